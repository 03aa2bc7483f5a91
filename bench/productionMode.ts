/**
 * Imported first by the benchmark's entry points. graphql-js picks its development-mode checks
 * (a slower `instanceof` on every type lookup) when the module loads, from NODE_ENV; the
 * in-process measurements must run the library the way the production server does.
 */
process.env.NODE_ENV = 'production';
