/** npm run export (being built: issue 4). */
process.stderr.write('export is not built yet\n');
process.exit(2);
