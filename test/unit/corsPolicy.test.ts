import cors from 'cors';
import type { Request, Response } from 'express';
import { loadConfig } from '../../src/config';
import { corsOptions, corsPolicy } from '../../src/corsPolicy';

describe('corsPolicy open to every origin', () => {
  // The cors package with the same options is the oracle for every answer but the preflight's,
  // which goes to it anyway.
  const config = loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: '*' });
  const policy = corsPolicy(config, ['GET', 'POST']);
  const oracle = cors(corsOptions(config, ['GET', 'POST']));
  const answer = (handler: typeof policy, method: string, origin?: string) => {
    const headers: Record<string, string> = {};
    let status = 0;
    let passed = false;
    const res = {
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)),
      getHeader: (name: string) => headers[name.toLowerCase()],
      end: () => undefined,
      set statusCode(code: number) {
        status = code;
      },
    };
    handler(
      { method, headers: origin ? { origin } : {} } as Request,
      res as unknown as Response,
      () => (passed = true),
    );
    return { headers, status, passed };
  };

  it.each([
    ['POST', 'https://dash.example'],
    ['POST', undefined],
    ['GET', 'https://other.example'],
    ['HEAD', undefined],
    ['OPTIONS', 'https://dash.example'],
  ])('%s from %s: the cors package answer', (method, origin) => {
    expect(answer(policy, method, origin)).toEqual(answer(oracle, method, origin));
  });
});
