"""The store's schema as an ordered list of migrations.

Each migration runs once, inside a transaction, and is recorded in ``schema_version``;
start-up applies whatever is missing. Add new migrations at the end, never edit old ones,
so an existing user's file upgrades in place.
"""

from __future__ import annotations

# The invisible characters of ``analytics.ingest.vocab.INVISIBLE`` as a regex class. Written
# out, not imported: a migration must keep meaning what it meant when it shipped.
_INVISIBLE = "[\ufeff\u200b\u200c\u200d\u2060\u00ad]"

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
        CREATE SEQUENCE athlete_id_seq START 1;
        CREATE SEQUENCE import_id_seq START 1;

        CREATE TABLE athletes (
            athlete_id      INTEGER PRIMARY KEY DEFAULT nextval('athlete_id_seq'),
            name            VARCHAR NOT NULL UNIQUE,
            unit            VARCHAR CHECK (unit IN ('kg', 'lb')),
            is_sample       BOOLEAN NOT NULL DEFAULT false,
            program_start   DATE,
            program         VARCHAR,
            bodyweight_kg   DOUBLE,
            created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
        );

        CREATE TABLE imports (
            import_id       INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
            athlete_id      INTEGER NOT NULL,
            file_name       VARCHAR NOT NULL,
            sha256          VARCHAR NOT NULL,
            format          VARCHAR NOT NULL,
            unit            VARCHAR,
            rows_read       BIGINT NOT NULL,
            imported        BIGINT NOT NULL,
            duplicates      BIGINT NOT NULL,
            skipped         BIGINT NOT NULL,
            rejected        BIGINT NOT NULL,
            imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
        );

        CREATE TABLE sets (
            athlete_id      INTEGER NOT NULL,
            performed_at    TIMESTAMP NOT NULL,
            session_id      VARCHAR NOT NULL,
            workout_name    VARCHAR,
            workout_duration_s DOUBLE,
            exercise_raw    VARCHAR NOT NULL,
            exercise_id     VARCHAR,
            set_index       INTEGER NOT NULL,
            set_type        VARCHAR NOT NULL
                CHECK (set_type IN ('working', 'warmup', 'drop', 'failure')),
            weight_kg       DOUBLE,
            reps            INTEGER,
            rpe             DOUBLE,
            duration_s      DOUBLE,
            distance_m      DOUBLE,
            notes           VARCHAR,
            source_format   VARCHAR NOT NULL,
            import_id       INTEGER NOT NULL,
            row_hash        VARCHAR NOT NULL
        );

        CREATE TABLE rejected_rows (
            import_id       INTEGER NOT NULL,
            line            BIGINT,
            column_name     VARCHAR,
            reason          VARCHAR NOT NULL,
            raw             VARCHAR
        );

        CREATE TABLE exercise_aliases (
            alias_norm      VARCHAR PRIMARY KEY,
            exercise_id     VARCHAR NOT NULL,
            created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
        );

        CREATE TABLE share_links (
            token_hash      VARCHAR PRIMARY KEY,
            athlete_id      INTEGER NOT NULL,
            label           VARCHAR,
            created_at      TIMESTAMP NOT NULL,
            expires_at      TIMESTAMP,
            revoked_at      TIMESTAMP,
            last_viewed_at  TIMESTAMP,
            view_count      BIGINT NOT NULL DEFAULT 0
        );

        CREATE TABLE settings (
            key             VARCHAR PRIMARY KEY,
            value           VARCHAR
        );
        """,
    ),
    (
        2,
        "share links remember the owner's display settings",
        """
        ALTER TABLE share_links ADD COLUMN unit VARCHAR;
        ALTER TABLE share_links ADD COLUMN formula VARCHAR;
        """,
    ),
    (
        3,
        "a set's natural key is derived from its columns, not stored",
        # Re-imports compare the natural key's parts (athlete, session, exercise, set
        # number) directly, so the digest no longer has to be computed and stored for every
        # imported set (a tenth of a big import's time, 33 bytes a set on disk). It stays
        # available as a column computed on read. Its parts are length-delimited, so two
        # different sets never share one (a name may hold the separator).
        """
        CREATE TABLE sets_v3 (
            athlete_id      INTEGER NOT NULL,
            performed_at    TIMESTAMP NOT NULL,
            session_id      VARCHAR NOT NULL,
            workout_name    VARCHAR,
            workout_duration_s DOUBLE,
            exercise_raw    VARCHAR NOT NULL,
            exercise_id     VARCHAR,
            set_index       INTEGER NOT NULL,
            set_type        VARCHAR NOT NULL
                CHECK (set_type IN ('working', 'warmup', 'drop', 'failure')),
            weight_kg       DOUBLE,
            reps            INTEGER,
            rpe             DOUBLE,
            duration_s      DOUBLE,
            distance_m      DOUBLE,
            notes           VARCHAR,
            source_format   VARCHAR NOT NULL,
            import_id       INTEGER NOT NULL,
            row_hash        VARCHAR GENERATED ALWAYS AS (md5(concat_ws('|', athlete_id,
                set_index, length(session_id), session_id, lower(exercise_raw)))) VIRTUAL
        );
        INSERT INTO sets_v3 SELECT * EXCLUDE (row_hash) FROM sets;
        DROP TABLE sets;
        ALTER TABLE sets_v3 RENAME TO sets;
        """,
    ),
    (
        4,
        "keep what exports say: assistance, the notes and body weight of sessions; "
        "athletes' distance unit and time zone; the key of a rejected row",
        # Only one column is added to sets (the assistance of an assisted lift, per set):
        # what belongs to a session (its notes, the body weight logged with it) or to an
        # exercise in a session (Strong v6 Note rows) has its own small tables, so a set
        # row stays as narrow as it was (every column of sets costs each import). Columns
        # are added, never rebuilt: a store of any size upgrades in a moment and every
        # stored set keeps its natural key, so a file imported before the upgrade finds all
        # its sets as duplicates afterwards. Imports now store exercise names without
        # invisible characters (BOM, zero-width, soft hyphen), so stored names lose them
        # too and the two sides of the key still meet.
        f"""
        ALTER TABLE sets ADD COLUMN assistance_kg DOUBLE;
        CREATE TABLE session_details (
            athlete_id      INTEGER NOT NULL,
            session_id      VARCHAR NOT NULL,
            workout_notes   VARCHAR,
            bodyweight_kg   DOUBLE,
            import_id       INTEGER NOT NULL
        );
        CREATE TABLE exercise_notes (
            athlete_id      INTEGER NOT NULL,
            session_id      VARCHAR NOT NULL,
            exercise_key    VARCHAR NOT NULL,
            note            VARCHAR NOT NULL,
            import_id       INTEGER NOT NULL
        );
        ALTER TABLE athletes ADD COLUMN distance_unit VARCHAR;
        ALTER TABLE athletes ADD COLUMN time_zone VARCHAR;
        ALTER TABLE rejected_rows ADD COLUMN session_id VARCHAR;
        ALTER TABLE rejected_rows ADD COLUMN exercise_key VARCHAR;
        ALTER TABLE rejected_rows ADD COLUMN set_index INTEGER;
        UPDATE sets SET exercise_raw = regexp_replace(exercise_raw, '{_INVISIBLE}', '', 'g')
        WHERE regexp_matches(exercise_raw, '{_INVISIBLE}')
          AND trim(regexp_replace(exercise_raw, '{_INVISIBLE}', '', 'g')) <> '';
        """,
    ),
    (
        5,
        "owner sign-ins remembered for a while, revocable (analytics.owner_auth)",
        """
        CREATE TABLE owner_sessions (
            token_hash      VARCHAR PRIMARY KEY,
            created_at      TIMESTAMP NOT NULL,
            expires_at      TIMESTAMP NOT NULL,
            revoked_at      TIMESTAMP
        );
        """,
    ),
]
