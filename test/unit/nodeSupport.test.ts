import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeSupportNotice, SERVER_NODE_FLAGS } from '../../src/nodeSupport';

describe('SERVER_NODE_FLAGS', () => {
  it('are the flags npm start runs the server with', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    const run = /&& node (.*?)dist\/src\/index\.js$/.exec(pkg.scripts.start);
    expect(run?.[1].trim().split(/\s+/)).toEqual([...SERVER_NODE_FLAGS]);
  });
});

describe('nodeSupportNotice', () => {
  it('is silent on the LTS lines CI tests', () => {
    for (const version of ['24.22.3', 'v24.11.0', '22.13.0', 'v22.23.5']) expect(nodeSupportNotice(version)).toBeNull();
  });

  it('says Node 20 is end of life and names the lines to move to', () => {
    const notice = nodeSupportNotice('v20.20.2');
    expect(notice).toContain('v20.20.2 is end of life');
    expect(notice).toContain('24 or 22');
  });

  it('says an untested line is untested, whether older, odd or newer', () => {
    for (const version of ['18.20.0', 'v21.7.3', '23.11.0', 'v26.12.1', 'garbage']) {
      expect(nodeSupportNotice(version)).toMatch(/is not a line rightsgraph is tested on/);
    }
  });

  it('speaks about the running process: silent under 22 and 24, a notice under anything else', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(nodeSupportNotice(process.version) === null).toBe(major === 22 || major === 24);
  });
});
