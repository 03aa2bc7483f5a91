import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddApiKeys1795774497673 implements MigrationInterface {
  name = 'AddApiKeys1795774497673';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "api_key" ("id" SERIAL NOT NULL, "name" character varying(200) NOT NULL, "role" character varying(10) NOT NULL, "prefix" character(8) NOT NULL, "key_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_c4f6ccad30c0862eb54af9fb0ac" UNIQUE ("prefix"), CONSTRAINT "CHK_api_key_role" CHECK ("role" IN (\'reader\', \'editor\', \'admin\')), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "api_key"');
  }
}
