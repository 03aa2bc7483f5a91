/** npm run keys (being built: issue 4). */
process.stderr.write('keys is not built yet\n');
process.exit(2);
