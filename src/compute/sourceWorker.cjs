// The compute pool's worker entry when the server runs from its TypeScript sources (under ts-jest),
// never from dist/: there the pool loads the compiled computeTasks.js directly.
//
// A worker thread is a fresh Node instance: jest's transform does not reach it, so requiring
// computeTasks.ts would fail. This registers a require hook that compiles each .ts file the worker
// loads with the TypeScript compiler's transpileModule (syntax only, no type check, the way ts-jest
// compiles with isolatedModules), so the tests run the sources as they are, never a stale dist/.
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};

module.exports = require('./computeTasks.ts');
