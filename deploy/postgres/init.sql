-- First start of the PostgreSQL container (docker-entrypoint-initdb.d): the tracker store's
-- database beside the utility database (POSTGRES_DB=evn_cskh), both owned by evn_cskh.
CREATE DATABASE evn_cskh_tracker OWNER evn_cskh ENCODING 'UTF8';
