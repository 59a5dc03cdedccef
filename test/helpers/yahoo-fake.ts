import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/yahoo');

export interface ChartFixture {
  chart: {
    result: {
      timestamp: number[];
      indicators: {
        quote: Record<'open' | 'high' | 'low' | 'close' | 'volume', (number | null)[]>[];
        adjclose: { adjclose: (number | null)[] }[];
      };
    }[];
  };
}

export function fixture(name: string): ChartFixture {
  return JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8')) as ChartFixture;
}

export type Answer = { status: number; body: unknown } | Error | 'hang';

/**
 * A stand-in for the network under yahoo-finance2: answers the chart endpoint
 * with the next scripted answer and records every URL asked for. Anything
 * else (a cookie or crumb page) is recorded as unexpected and refused.
 */
export function fakeYahoo(...answers: Answer[]) {
  const requests: URL[] = [];
  const unexpected: string[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!/^\/v8\/finance\/chart\/[^/]+$/.test(url.pathname)) {
      unexpected.push(url.href);
      return new Response('not here', { status: 400 });
    }
    requests.push(url);
    const answer = answers.shift();
    assert.ok(answer, `no scripted answer left for ${url.href}`);
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => {
        // A real pending request holds the event loop open; the fake must too.
        const socket = setTimeout(() => reject(new Error('fake request never aborted')), 10_000);
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(socket);
          reject(init.signal?.reason);
        });
      });
    }
    if (answer instanceof Error) throw answer;
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(body, {
      status: answer.status,
      headers: { 'content-type': 'application/json;charset=utf-8' },
    });
  };
  return { fetchImpl: fetchImpl as typeof fetch, requests, unexpected };
}
