/**
 * `--database-url` as a user meets it: a bad URL or an unreachable server is exit 2 with one line
 * saying what is wrong (and no password echoed), before PGlite or anything else starts.
 */
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, serverTarget } from './server';
import { spawnLab } from './spawn-lab';

// The server flag must not be supplied by the environment of whoever runs the tests.
const lab = (...args: string[]) => spawnLab(args, { LAB_DATABASE_URL: '' });

describe('--database-url', () => {
  it('accepts postgres:// and postgresql:// URLs that name a host and a database', () => {
    expect(parseDatabaseUrl('run', 'postgres://lab@127.0.0.1:5432/lab').pathname).toBe('/lab');
    expect(parseDatabaseUrl('run', 'postgresql://u:p@db.example/lab_ci?sslmode=disable').hostname).toBe('db.example');
    expect(parseDatabaseUrl('run', 'postgres:///lab?host=/var/run/postgresql').searchParams.get('host')).toBe('/var/run/postgresql');
  });

  it('names what is wrong with a URL, and never echoes its password', () => {
    expect(() => parseDatabaseUrl('run', 'localhost:5432/lab')).toThrow(/must start with postgres:\/\/ or postgresql:\/\/; got "localhost"/);
    expect(() => parseDatabaseUrl('run', 'not a url')).toThrow(/is not a URL; write postgres:\/\/user/);
    expect(() => parseDatabaseUrl('run', 'mysql://u@h/db')).toThrow(/must start with postgres:\/\//);
    expect(() => parseDatabaseUrl('run', 'postgres://u:hunter2@h:5432')).toThrow(/names no database/);
    expect(() => parseDatabaseUrl('run', 'postgres://u:hunter2@h:5432')).not.toThrow(/hunter2/);
  });

  it('takes LAB_DATABASE_URL only where a command passes it as the fallback (crosscheck), and --reset-schemas only with a URL', () => {
    expect(serverTarget('run', {})).toBeNull();
    expect(serverTarget('crosscheck', {}, 'postgres://h/lab')?.url).toBe('postgres://h/lab');
    expect(serverTarget('crosscheck', { 'database-url': 'postgres://other/lab' }, 'postgres://h/lab')?.url).toBe('postgres://other/lab');
    expect(() => serverTarget('run', { 'reset-schemas': true })).toThrow(/--reset-schemas applies only with --database-url/);
  });

  it('exits 2 with one line for a bad URL, an unreachable server, and crosscheck without a server', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'naive-db-first', '--database-url', 'mysql://h/db'], /^lab: run: --database-url must start with postgres:\/\//],
      [['explore', 'naive-db-first', '--database-url', 'postgres://h'], /^lab: explore: --database-url .* names no database/],
      [['run', 'naive-db-first', '--database-url', 'postgres://lab:hunter2@127.0.0.1:1/lab'], /^lab: cannot connect to postgres:\/\/lab:\*\*\*@127\.0\.0\.1:1\/lab: .*ECONNREFUSED/],
      [['crosscheck', 'naive-db-first'], /^lab: crosscheck: needs a server to compare with/],
    ];
    const exits = await Promise.all(cases.map(([args]) => lab(...args)));
    exits.forEach((exit, i) => {
      expect(exit.code, cases[i]![0].join(' ')).toBe(2);
      expect(exit.stdout).toBe('');
      expect(exit.stderr.trim().split('\n')).toHaveLength(1);
      expect(exit.stderr).toMatch(cases[i]![1]);
      expect(exit.stderr).not.toMatch(/hunter2/);
    });
  });
});
