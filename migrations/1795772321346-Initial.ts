import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795772321346 implements MigrationInterface {
  name = 'Initial1795772321346';

  async up(queryRunner: QueryRunner): Promise<void> {
    // unaccent + pg_trgm serve the accent- and case-insensitive city search ("wien" finds
    // Vienna, "zurich" finds Zürich). unaccent() itself is only STABLE (its dictionary could be
    // swapped), so it is wrapped in IMMUTABLE functions pinned to one dictionary so that an
    // index can be built on the folded names. Names inside the bodies are schema-qualified
    // because Postgres 17+ (and so PGlite) builds indexes with a search_path of pg_catalog only.
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query(
      "CREATE FUNCTION rg_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    );
    await queryRunner.query(
      "CREATE FUNCTION city_search_text(name text, ascii_name text, alternate_names text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT public.rg_fold(concat_ws(' ', name, ascii_name, array_to_string(alternate_names, ' '))) $$",
    );
    await queryRunner.query(
      'CREATE TABLE "country" ("code" character(2) NOT NULL, "alpha3" character(3) NOT NULL, "name" character varying(200) NOT NULL, CONSTRAINT "UQ_f99016ded6fcc47ddf50ec74ba1" UNIQUE ("alpha3"), CONSTRAINT "CHK_country_alpha3" CHECK ("alpha3" ~ \'^[A-Z]{3}$\'), CONSTRAINT "CHK_country_code" CHECK ("code" ~ \'^[A-Z]{2}$\'), CONSTRAINT "PK_8ff4c23dc9a3f3856555bd86186" PRIMARY KEY ("code"))',
    );
    await queryRunner.query(
      'CREATE TABLE "city" ("id" SERIAL NOT NULL, "slug" character varying(120) NOT NULL, "name" character varying(200) NOT NULL, "ascii_name" character varying(200) NOT NULL, "alternate_names" text array NOT NULL DEFAULT \'{}\', "country_code" character(2) NOT NULL, "region" character varying(200), "latitude" double precision, "longitude" double precision, "wikidata_id" character varying(20), "geonames_id" character varying(20), CONSTRAINT "UQ_12c33d73f8702451fe40e4387ef" UNIQUE ("slug"), CONSTRAINT "CHK_city_longitude" CHECK ("longitude" IS NULL OR "longitude" BETWEEN -180 AND 180), CONSTRAINT "CHK_city_latitude" CHECK ("latitude" IS NULL OR "latitude" BETWEEN -90 AND 90), CONSTRAINT "CHK_city_slug" CHECK ("slug" ~ \'^[a-z0-9]+(-[a-z0-9]+)*$\'), CONSTRAINT "PK_b222f51ce26f7e5ca86944a6739" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_ebd8be319e2628736b4bfeb82c" ON "city"  ("country_code") ');
    await queryRunner.query(
      'CREATE TABLE "right" ("id" SERIAL NOT NULL, "code" character varying(100) NOT NULL, "name" character varying(200) NOT NULL, "description" text, "parent_id" integer, CONSTRAINT "UQ_35bbeff33688357e04476f17f06" UNIQUE ("code"), CONSTRAINT "PK_77e01b46d514d44ec33fd2d93d3" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_f11a3252c26f919c14db076c1f" ON "right"  ("parent_id") ');
    await queryRunner.query(
      'CREATE TABLE "instrument" ("id" SERIAL NOT NULL, "code" character varying(50) NOT NULL, "name" character varying(300) NOT NULL, "kind" character varying(20) NOT NULL, "year_adopted" smallint, "url" character varying(1000), CONSTRAINT "UQ_1817c87f0633878f278db00dac2" UNIQUE ("code"), CONSTRAINT "CHK_instrument_kind" CHECK ("kind" IN (\'TREATY\', \'DECLARATION\', \'CHARTER\', \'PRINCIPLES\')), CONSTRAINT "PK_1707dc7e7c2845211b38bef3d29" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "source" ("id" SERIAL NOT NULL, "publisher" character varying(300) NOT NULL, "title" character varying(500) NOT NULL, "url" character varying(1000), "license" character varying(200), "retrieved_on" date, "citation" text NOT NULL, "synthetic" boolean NOT NULL DEFAULT false, CONSTRAINT "UQ_4cb00c6d8fb5f9a69526d44b770" UNIQUE ("title"), CONSTRAINT "PK_018c433f8264b58c86363eaadde" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "commitment" ("id" SERIAL NOT NULL, "city_id" integer NOT NULL, "instrument_id" integer, "kind" character varying(20) NOT NULL, "title" character varying(500) NOT NULL, "adopted_on" date, "adopted_precision" character varying(5), "status" character varying(20) NOT NULL, "adopting_body" character varying(300), "document_ref" character varying(300), "source_id" integer, "notes" text, CONSTRAINT "CHK_commitment_adopted_on" CHECK ("adopted_on" IS NULL OR "adopted_on" BETWEEN \'1900-01-01\' AND \'2100-12-31\'), CONSTRAINT "CHK_commitment_adopted_precision" CHECK ("adopted_precision" IN (\'YEAR\', \'MONTH\', \'DAY\')), CONSTRAINT "CHK_commitment_status" CHECK ("status" IN (\'PROPOSED\', \'ADOPTED\', \'IMPLEMENTED\', \'LAPSED\', \'REPEALED\')), CONSTRAINT "CHK_commitment_kind" CHECK ("kind" IN (\'ORDINANCE\', \'RESOLUTION\', \'DECLARATION\', \'CHARTER\', \'PROCLAMATION\', \'DIRECTIVE\', \'POLICY\')), CONSTRAINT "PK_7a0899978d100f72269b3045d7e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_7af65a71811efb273050087a74" ON "commitment"  ("city_id") ');
    await queryRunner.query('CREATE INDEX "IDX_9f65e37080b64d5a36b3790161" ON "commitment"  ("instrument_id") ');
    await queryRunner.query(
      'CREATE TABLE "ratification" ("id" SERIAL NOT NULL, "country_code" character(2) NOT NULL, "instrument_id" integer NOT NULL, "status" character varying(20) NOT NULL, "year" smallint, "date" date, "signed_year" smallint, "source_id" integer, CONSTRAINT "UQ_ratification_country_instrument" UNIQUE ("country_code", "instrument_id"), CONSTRAINT "CHK_ratification_signed_year" CHECK ("signed_year" IS NULL OR "signed_year" BETWEEN 1900 AND 2100), CONSTRAINT "CHK_ratification_year" CHECK ("year" IS NULL OR "year" BETWEEN 1900 AND 2100), CONSTRAINT "CHK_ratification_status" CHECK ("status" IN (\'NOT_SIGNED\', \'SIGNED\', \'RATIFIED\', \'ACCEDED\')), CONSTRAINT "PK_6e47c0ac309476ae6b75a547626" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_6e983d243d5ae8ab0f2027ebee" ON "ratification"  ("instrument_id") ');
    await queryRunner.query(
      'CREATE TABLE "indicator" ("id" SERIAL NOT NULL, "code" character varying(100) NOT NULL, "name" character varying(300) NOT NULL, "description" text, "unit" character varying(50) NOT NULL, "direction" character varying(20) NOT NULL, "kind" character varying(20) NOT NULL, "methodology" text, CONSTRAINT "UQ_843bf8c0de69be8ea15fdc25fb7" UNIQUE ("code"), CONSTRAINT "CHK_indicator_code" CHECK ("code" ~ \'^[a-z0-9]+(-[a-z0-9]+)*$\'), CONSTRAINT "CHK_indicator_kind" CHECK ("kind" IN (\'STRUCTURAL\', \'PROCESS\', \'OUTCOME\')), CONSTRAINT "CHK_indicator_direction" CHECK ("direction" IN (\'HIGHER_IS_BETTER\', \'LOWER_IS_BETTER\', \'NEUTRAL\')), CONSTRAINT "PK_4693fe4c2cb912a71e05c589e7e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "release" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "description" text NOT NULL, "source_id" integer, "rows_added" integer NOT NULL DEFAULT \'0\', "rows_changed" integer NOT NULL DEFAULT \'0\', "rows_unchanged" integer NOT NULL DEFAULT \'0\', CONSTRAINT "PK_1a2253436964eea9c558f9464f4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "observation" ("id" SERIAL NOT NULL, "city_id" integer NOT NULL, "indicator_id" integer NOT NULL, "year" smallint NOT NULL, "disaggregation" character varying(200) NOT NULL DEFAULT \'\', "value" double precision NOT NULL, "lower" double precision, "upper" double precision, "status" character varying(20) NOT NULL DEFAULT \'MEASURED\', "note" text, "source_id" integer NOT NULL, "release_id" integer NOT NULL, "superseded_in_release_id" integer, CONSTRAINT "UQ_observation_key_release" UNIQUE ("city_id", "indicator_id", "year", "disaggregation", "source_id", "release_id"), CONSTRAINT "CHK_observation_superseded" CHECK ("superseded_in_release_id" IS NULL OR "superseded_in_release_id" > "release_id"), CONSTRAINT "CHK_observation_finite" CHECK ("value" NOT IN (\'NaN\'::float8, \'Infinity\'::float8, \'-Infinity\'::float8)), CONSTRAINT "CHK_observation_bounds" CHECK (("lower" IS NULL OR "lower" <= "value") AND ("upper" IS NULL OR "value" <= "upper")), CONSTRAINT "CHK_observation_status" CHECK ("status" IN (\'MEASURED\', \'ESTIMATED\', \'PROVISIONAL\', \'CONVERTED\', \'BREAK_IN_SERIES\')), CONSTRAINT "CHK_observation_year" CHECK ("year" BETWEEN 1900 AND 2100), CONSTRAINT "PK_77a736edc631a400b788ce302cb" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_f4a6f1e87405ee25c8c1f00f55" ON "observation"  ("source_id") ');
    await queryRunner.query('CREATE INDEX "IDX_05e5ab8e0ad9a2cf65a626f40c" ON "observation"  ("release_id") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_observation_city_indicator_year" ON "observation"  ("city_id", "indicator_id", "year") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_observation_indicator_year" ON "observation"  ("indicator_id", "year") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_observation_current" ON "observation"  ("city_id", "indicator_id", "year", "disaggregation", "source_id") WHERE "superseded_in_release_id" IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "network" ("id" SERIAL NOT NULL, "code" character varying(100) NOT NULL, "name" character varying(300) NOT NULL, "description" text, "founded_year" smallint, "url" character varying(1000), "source_id" integer, CONSTRAINT "UQ_8bc6f695d01240bf7d246f04c20" UNIQUE ("code"), CONSTRAINT "PK_8f8264c2d37cbbd8282ee9a3c97" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "network_membership" ("network_id" integer NOT NULL, "city_id" integer NOT NULL, "joined_year" smallint, CONSTRAINT "CHK_network_membership_joined_year" CHECK ("joined_year" IS NULL OR "joined_year" BETWEEN 1900 AND 2100), CONSTRAINT "PK_fac595b8fed9e423ec8045de174" PRIMARY KEY ("network_id", "city_id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_2a26f735dbb4c6645eda3d3b51" ON "network_membership"  ("city_id") ');
    await queryRunner.query(
      'CREATE TABLE "instrument_right" ("instrument_id" integer NOT NULL, "right_id" integer NOT NULL, CONSTRAINT "PK_2e2db0b2743feaf2c3220341298" PRIMARY KEY ("instrument_id", "right_id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_61869b8ce4e3bc65cf8c7a6adf" ON "instrument_right"  ("instrument_id") ');
    await queryRunner.query('CREATE INDEX "IDX_ce0eb275a5e45e22ef122f9d71" ON "instrument_right"  ("right_id") ');
    await queryRunner.query(
      'CREATE TABLE "commitment_right" ("commitment_id" integer NOT NULL, "right_id" integer NOT NULL, CONSTRAINT "PK_bd598390b0eca8fab0a25978d65" PRIMARY KEY ("commitment_id", "right_id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_4402d4d4bc00021b557aec76af" ON "commitment_right"  ("commitment_id") ');
    await queryRunner.query('CREATE INDEX "IDX_6404c622fb9674b5d90714ef44" ON "commitment_right"  ("right_id") ');
    await queryRunner.query(
      'CREATE TABLE "indicator_right" ("indicator_id" integer NOT NULL, "right_id" integer NOT NULL, CONSTRAINT "PK_bce5e6016244e286c5424e0dafe" PRIMARY KEY ("indicator_id", "right_id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_31570bd722d7aebb4cbe0b538a" ON "indicator_right"  ("indicator_id") ');
    await queryRunner.query('CREATE INDEX "IDX_198aee95028296ee2ef9e84489" ON "indicator_right"  ("right_id") ');
    await queryRunner.query(
      'ALTER TABLE "city" ADD CONSTRAINT "FK_ebd8be319e2628736b4bfeb82ca" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "right" ADD CONSTRAINT "FK_f11a3252c26f919c14db076c1f0" FOREIGN KEY ("parent_id") REFERENCES "right"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "commitment" ADD CONSTRAINT "FK_7af65a71811efb273050087a746" FOREIGN KEY ("city_id") REFERENCES "city"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "commitment" ADD CONSTRAINT "FK_9f65e37080b64d5a36b3790161d" FOREIGN KEY ("instrument_id") REFERENCES "instrument"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "commitment" ADD CONSTRAINT "FK_7e8acecd29ca3facec65d49c834" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "ratification" ADD CONSTRAINT "FK_2a363f66f5af21140aef3e8fd1a" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "ratification" ADD CONSTRAINT "FK_6e983d243d5ae8ab0f2027ebeeb" FOREIGN KEY ("instrument_id") REFERENCES "instrument"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "ratification" ADD CONSTRAINT "FK_6e00fc41c7f319d9dc7e5e838dc" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "release" ADD CONSTRAINT "FK_35ebb9cea0901e29181177a8ca6" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "observation" ADD CONSTRAINT "FK_cd5cf7bef74909dc9f7c9726cb1" FOREIGN KEY ("city_id") REFERENCES "city"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "observation" ADD CONSTRAINT "FK_53d55e96ce28f37c28b17cede91" FOREIGN KEY ("indicator_id") REFERENCES "indicator"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "observation" ADD CONSTRAINT "FK_f4a6f1e87405ee25c8c1f00f556" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "observation" ADD CONSTRAINT "FK_05e5ab8e0ad9a2cf65a626f40c4" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "observation" ADD CONSTRAINT "FK_e2c58b370c7f928d3fa45c2d982" FOREIGN KEY ("superseded_in_release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "network" ADD CONSTRAINT "FK_0b1cfbdfec446647e75365f4e95" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "network_membership" ADD CONSTRAINT "FK_4f29cf4b94883c46084bdd9ab24" FOREIGN KEY ("network_id") REFERENCES "network"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "network_membership" ADD CONSTRAINT "FK_2a26f735dbb4c6645eda3d3b510" FOREIGN KEY ("city_id") REFERENCES "city"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "instrument_right" ADD CONSTRAINT "FK_61869b8ce4e3bc65cf8c7a6adf5" FOREIGN KEY ("instrument_id") REFERENCES "instrument"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "instrument_right" ADD CONSTRAINT "FK_ce0eb275a5e45e22ef122f9d715" FOREIGN KEY ("right_id") REFERENCES "right"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "commitment_right" ADD CONSTRAINT "FK_4402d4d4bc00021b557aec76afe" FOREIGN KEY ("commitment_id") REFERENCES "commitment"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "commitment_right" ADD CONSTRAINT "FK_6404c622fb9674b5d90714ef44f" FOREIGN KEY ("right_id") REFERENCES "right"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "indicator_right" ADD CONSTRAINT "FK_31570bd722d7aebb4cbe0b538a1" FOREIGN KEY ("indicator_id") REFERENCES "indicator"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "indicator_right" ADD CONSTRAINT "FK_198aee95028296ee2ef9e84489f" FOREIGN KEY ("right_id") REFERENCES "right"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_city_search_trgm" ON "city" USING gin (public.city_search_text("name", "ascii_name", "alternate_names") gin_trgm_ops)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_city_search_trgm"');
    await queryRunner.query('ALTER TABLE "indicator_right" DROP CONSTRAINT "FK_198aee95028296ee2ef9e84489f"');
    await queryRunner.query('ALTER TABLE "indicator_right" DROP CONSTRAINT "FK_31570bd722d7aebb4cbe0b538a1"');
    await queryRunner.query('ALTER TABLE "commitment_right" DROP CONSTRAINT "FK_6404c622fb9674b5d90714ef44f"');
    await queryRunner.query('ALTER TABLE "commitment_right" DROP CONSTRAINT "FK_4402d4d4bc00021b557aec76afe"');
    await queryRunner.query('ALTER TABLE "instrument_right" DROP CONSTRAINT "FK_ce0eb275a5e45e22ef122f9d715"');
    await queryRunner.query('ALTER TABLE "instrument_right" DROP CONSTRAINT "FK_61869b8ce4e3bc65cf8c7a6adf5"');
    await queryRunner.query('ALTER TABLE "network_membership" DROP CONSTRAINT "FK_2a26f735dbb4c6645eda3d3b510"');
    await queryRunner.query('ALTER TABLE "network_membership" DROP CONSTRAINT "FK_4f29cf4b94883c46084bdd9ab24"');
    await queryRunner.query('ALTER TABLE "network" DROP CONSTRAINT "FK_0b1cfbdfec446647e75365f4e95"');
    await queryRunner.query('ALTER TABLE "observation" DROP CONSTRAINT "FK_e2c58b370c7f928d3fa45c2d982"');
    await queryRunner.query('ALTER TABLE "observation" DROP CONSTRAINT "FK_05e5ab8e0ad9a2cf65a626f40c4"');
    await queryRunner.query('ALTER TABLE "observation" DROP CONSTRAINT "FK_f4a6f1e87405ee25c8c1f00f556"');
    await queryRunner.query('ALTER TABLE "observation" DROP CONSTRAINT "FK_53d55e96ce28f37c28b17cede91"');
    await queryRunner.query('ALTER TABLE "observation" DROP CONSTRAINT "FK_cd5cf7bef74909dc9f7c9726cb1"');
    await queryRunner.query('ALTER TABLE "release" DROP CONSTRAINT "FK_35ebb9cea0901e29181177a8ca6"');
    await queryRunner.query('ALTER TABLE "ratification" DROP CONSTRAINT "FK_6e00fc41c7f319d9dc7e5e838dc"');
    await queryRunner.query('ALTER TABLE "ratification" DROP CONSTRAINT "FK_6e983d243d5ae8ab0f2027ebeeb"');
    await queryRunner.query('ALTER TABLE "ratification" DROP CONSTRAINT "FK_2a363f66f5af21140aef3e8fd1a"');
    await queryRunner.query('ALTER TABLE "commitment" DROP CONSTRAINT "FK_7e8acecd29ca3facec65d49c834"');
    await queryRunner.query('ALTER TABLE "commitment" DROP CONSTRAINT "FK_9f65e37080b64d5a36b3790161d"');
    await queryRunner.query('ALTER TABLE "commitment" DROP CONSTRAINT "FK_7af65a71811efb273050087a746"');
    await queryRunner.query('ALTER TABLE "right" DROP CONSTRAINT "FK_f11a3252c26f919c14db076c1f0"');
    await queryRunner.query('ALTER TABLE "city" DROP CONSTRAINT "FK_ebd8be319e2628736b4bfeb82ca"');
    await queryRunner.query('DROP INDEX "public"."IDX_198aee95028296ee2ef9e84489"');
    await queryRunner.query('DROP INDEX "public"."IDX_31570bd722d7aebb4cbe0b538a"');
    await queryRunner.query('DROP TABLE "indicator_right"');
    await queryRunner.query('DROP INDEX "public"."IDX_6404c622fb9674b5d90714ef44"');
    await queryRunner.query('DROP INDEX "public"."IDX_4402d4d4bc00021b557aec76af"');
    await queryRunner.query('DROP TABLE "commitment_right"');
    await queryRunner.query('DROP INDEX "public"."IDX_ce0eb275a5e45e22ef122f9d71"');
    await queryRunner.query('DROP INDEX "public"."IDX_61869b8ce4e3bc65cf8c7a6adf"');
    await queryRunner.query('DROP TABLE "instrument_right"');
    await queryRunner.query('DROP INDEX "public"."IDX_2a26f735dbb4c6645eda3d3b51"');
    await queryRunner.query('DROP TABLE "network_membership"');
    await queryRunner.query('DROP TABLE "network"');
    await queryRunner.query('DROP INDEX "public"."UQ_observation_current"');
    await queryRunner.query('DROP INDEX "public"."IDX_observation_indicator_year"');
    await queryRunner.query('DROP INDEX "public"."IDX_observation_city_indicator_year"');
    await queryRunner.query('DROP INDEX "public"."IDX_05e5ab8e0ad9a2cf65a626f40c"');
    await queryRunner.query('DROP INDEX "public"."IDX_f4a6f1e87405ee25c8c1f00f55"');
    await queryRunner.query('DROP TABLE "observation"');
    await queryRunner.query('DROP TABLE "release"');
    await queryRunner.query('DROP TABLE "indicator"');
    await queryRunner.query('DROP INDEX "public"."IDX_6e983d243d5ae8ab0f2027ebee"');
    await queryRunner.query('DROP TABLE "ratification"');
    await queryRunner.query('DROP INDEX "public"."IDX_9f65e37080b64d5a36b3790161"');
    await queryRunner.query('DROP INDEX "public"."IDX_7af65a71811efb273050087a74"');
    await queryRunner.query('DROP TABLE "commitment"');
    await queryRunner.query('DROP TABLE "source"');
    await queryRunner.query('DROP TABLE "instrument"');
    await queryRunner.query('DROP INDEX "public"."IDX_f11a3252c26f919c14db076c1f"');
    await queryRunner.query('DROP TABLE "right"');
    await queryRunner.query('DROP INDEX "public"."IDX_ebd8be319e2628736b4bfeb82c"');
    await queryRunner.query('DROP TABLE "city"');
    await queryRunner.query('DROP TABLE "country"');
    await queryRunner.query('DROP FUNCTION city_search_text(text, text, text[])');
    await queryRunner.query('DROP FUNCTION rg_fold(text)');
    // The extensions stay: other objects in the database may use them.
  }
}
