/** Environment variables through which globalSetup tells the test workers where Postgres is. */
export const TEST_ENV = {
  kind: 'RG_TEST_PG_KIND',
  adminUrl: 'RG_TEST_PG_ADMIN_URL',
  migratedTemplate: 'RG_TEST_TEMPLATE_MIGRATED',
  seededTemplate: 'RG_TEST_TEMPLATE_SEEDED',
  embeddedFactory: 'RG_TEST_EMBEDDED_FACTORY',
} as const;
