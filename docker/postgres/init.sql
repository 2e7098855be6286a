-- Certify: database roles, run once by the postgres image when its data
-- volume is first initialised (mounted into /docker-entrypoint-initdb.d and
-- run by psql as the superuser, connected to the database POSTGRES_DB).
--
--   certify_owner  owns the schema and every table; migrations run as it.
--   certify_app    what web, worker and beat connect as: it owns nothing, so
--                  it can read and write rows but cannot ALTER or DROP a
--                  table, nor drop the trigger that keeps the event log
--                  append-only.
--
-- Passwords come from the environment of the db container (psql 15 \getenv),
-- never from this file.

\set ON_ERROR_STOP on
\getenv owner_password CERTIFY_OWNER_PASSWORD
\getenv app_password CERTIFY_APP_PASSWORD

\if :{?owner_password}
\else
  \echo 'CERTIFY_OWNER_PASSWORD is not set'
  SELECT 1 / 0 AS certify_owner_password_missing;
\endif
\if :{?app_password}
\else
  \echo 'CERTIFY_APP_PASSWORD is not set'
  SELECT 1 / 0 AS certify_app_password_missing;
\endif

CREATE ROLE certify_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE certify_app LOGIN PASSWORD :'app_password';

-- The owner owns the database, hence (PostgreSQL 15) the public schema.
SELECT format('ALTER DATABASE %I OWNER TO certify_owner', current_database()) \gexec

-- Nobody else may connect or create objects; the app may connect and use
-- temporary tables.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO certify_app', current_database()) \gexec
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO certify_owner;
GRANT USAGE ON SCHEMA public TO certify_app;

-- Whatever certify_owner creates later (every migration) is readable and
-- writable by the app, nothing more: no TRUNCATE, no REFERENCES, no TRIGGER.
ALTER DEFAULT PRIVILEGES FOR ROLE certify_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO certify_app;
ALTER DEFAULT PRIVILEGES FOR ROLE certify_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO certify_app;
ALTER DEFAULT PRIVILEGES FOR ROLE certify_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO certify_app;
