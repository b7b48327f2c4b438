import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const TOKEN = 'a'.repeat(32) + 'B'.repeat(32);
const NOW = new Date('2026-11-24T12:00:00Z');
const load = (env: Record<string, string>, requireToken = true) => loadConfig({ EPC_API_TOKEN: TOKEN, ...env }, { requireToken, now: NOW });

describe('configuration', () => {
  it('gives documented defaults and a frozen object', () => {
    const config = load({});
    expect(config.api.requestsPerSecond).toBe(15);
    expect(config.api.concurrency).toBe(4);
    expect(config.api.baseUrl).toBe('https://api.get-energy-performance-data.communities.gov.uk');
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('./data');
    expect(config.sync.cron).toBe('30 2 * * *');
    expect(config.sync.timezone).toBe('Europe/London');
    expect(config.sync.lookbackDays).toBe(7);
    // The whole history (~7,000 days) about once a month.
    expect(config.sync.reverifyDays).toBe(240);
    expect(config.sync.startDate).toBe('2007-08-01');
    // A first run seeds from the monthly bulk file rather than walking every day since 2007.
    expect(config.sync.seed).toBe('bulk');
    expect(Object.isFrozen(config) && Object.isFrozen(config.api)).toBe(true);
  });

  it('lets status-like commands run without a token but not API commands', () => {
    expect(() => loadConfig({}, { requireToken: true, now: NOW })).toThrow(/EPC_API_TOKEN is not set/);
    expect(loadConfig({}, { requireToken: false, now: NOW }).api.token).toBe('');
  });

  it('rejects a token of the wrong shape without echoing it', () => {
    const bad = 'secret-token-with-dashes';
    try {
      load({ EPC_API_TOKEN: bad });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toMatch(/64 letters and digits/);
      expect((error as Error).message).not.toContain(bad);
    }
  });

  const bad: Array<[string, string, RegExp]> = [
    ['EPC_API_BASE_URL', 'ftp://x', /EPC_API_BASE_URL must be an http/],
    ['EPC_REQUESTS_PER_SECOND', '0', /EPC_REQUESTS_PER_SECOND/],
    ['EPC_REQUESTS_PER_SECOND', 'fast', /EPC_REQUESTS_PER_SECOND/],
    ['EPC_CONCURRENCY', '2.5', /EPC_CONCURRENCY must be a whole number/],
    ['EPC_CONCURRENCY', '0', /EPC_CONCURRENCY/],
    ['EPC_PAGE_SIZE', '5001', /EPC_PAGE_SIZE/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a postgres/],
    ['SYNC_CRON', 'every night', /SYNC_CRON/],
    ['SYNC_TIMEZONE', 'Mars/Olympus', /SYNC_TIMEZONE/],
    ['SYNC_START_DATE', '2026-02-30', /SYNC_START_DATE must be a real date/],
    ['SYNC_START_DATE', '2027-01-01', /SYNC_START_DATE 2027-01-01 is in the future/],
    ['SYNC_LOOKBACK_DAYS', '-1', /SYNC_LOOKBACK_DAYS/],
    ['SYNC_SEED', 'file', /SYNC_SEED must be one of bulk, api.*got "file"/],
    ['SYNC_SEED', 'BULK', /SYNC_SEED must be one of bulk, api/],
    ['SYNC_REVERIFY_DAYS', '-1', /SYNC_REVERIFY_DAYS must be a whole number from 0/],
    ['SYNC_REVERIFY_DAYS', 'monthly', /SYNC_REVERIFY_DAYS must be a whole number/],
    ['SYNC_REVERIFY_DAYS', '2.5', /SYNC_REVERIFY_DAYS must be a whole number/],
    ['SYNC_LEASE_SECONDS', '0', /SYNC_LEASE_SECONDS/],
    ['EPC_REGISTER', 'commercial', /EPC_REGISTER must be one of/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['BACKFILL_FROM', '2026-01-01', /BACKFILL_FROM and BACKFILL_TO must be set together/],
  ];
  it.each(bad)('%s=%s is one clear error', (name, value, message) => {
    expect(() => load({ [name]: value })).toThrow(message);
  });

  it('keeps the domestic register by default, as a frozen list', () => {
    const config = load({});
    expect(config.sync.registers).toEqual(['domestic']);
    expect(Object.isFrozen(config.sync.registers)).toBe(true);
  });

  it('reads EPC_REGISTERS as a comma list, domestic first and the others in the order given', () => {
    expect(load({ EPC_REGISTERS: 'non-domestic, display' }).sync.registers).toEqual(['non-domestic', 'display']);
    expect(load({ EPC_REGISTERS: 'display,non-domestic,domestic' }).sync.registers).toEqual(['domestic', 'display', 'non-domestic']);
    // Blank is unset, as for every setting: the default.
    expect(load({ EPC_REGISTERS: '  ' }).sync.registers).toEqual(['domestic']);
  });

  it('keeps EPC_REGISTER working as a list of one, and accepts both when they agree', () => {
    expect(load({ EPC_REGISTER: 'display' }).sync.registers).toEqual(['display']);
    expect(load({ EPC_REGISTER: 'display', EPC_REGISTERS: 'display' }).sync.registers).toEqual(['display']);
  });

  const badRegisters: Array<[Record<string, string>, RegExp]> = [
    [{ EPC_REGISTERS: 'domestic,commercial' }, /^EPC_REGISTERS must list registers from domestic, non-domestic, display; "commercial" is not one$/],
    [{ EPC_REGISTERS: 'Domestic' }, /^EPC_REGISTERS must list registers from .*"Domestic" is not one/],
    [{ EPC_REGISTERS: 'display,domestic,display' }, /^EPC_REGISTERS lists "display" twice/],
    [{ EPC_REGISTERS: ',' }, /^EPC_REGISTERS lists no register/],
    [{ EPC_REGISTERS: 'domestic,,display' }, /^EPC_REGISTERS "domestic,,display" has an empty name between commas/],
    [{ EPC_REGISTERS: 'domestic,display', EPC_REGISTER: 'domestic' }, /^EPC_REGISTERS \(domestic,display\) and EPC_REGISTER \(domestic\) disagree: set EPC_REGISTERS only/],
    [{ EPC_REGISTERS: 'display', EPC_REGISTER: 'non-domestic' }, /EPC_REGISTERS \(display\) and EPC_REGISTER \(non-domestic\) disagree/],
  ];
  it.each(badRegisters)('%o is one clear error', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });

  it('walks the API from SYNC_START_DATE instead of seeding with SYNC_SEED=api', () => {
    expect(load({ SYNC_SEED: 'api' }).sync.seed).toBe('api');
    expect(load({ SYNC_SEED: ' bulk ' }).sync.seed).toBe('bulk');
  });

  it('turns the re-verification off with SYNC_REVERIFY_DAYS=0', () => {
    expect(load({ SYNC_REVERIFY_DAYS: '0' }).sync.reverifyDays).toBe(0);
  });

  it('checks the backfill range: order, real dates, and nothing from today on', () => {
    expect(() => load({ BACKFILL_FROM: '2026-02-01', BACKFILL_TO: '2026-01-01' })).toThrow(/is after BACKFILL_TO/);
    expect(() => load({ BACKFILL_FROM: '2026-01-01', BACKFILL_TO: '2026-13-01' })).toThrow(/BACKFILL_TO must be a real date/);
    expect(() => load({ BACKFILL_FROM: '2026-11-01', BACKFILL_TO: '2026-11-24' })).toThrow(/too recent.*2026-11-23/);
    const ok = load({ BACKFILL_FROM: '2026-11-01', BACKFILL_TO: '2026-11-23' });
    expect([ok.sync.backfillFrom, ok.sync.backfillTo]).toEqual(['2026-11-01', '2026-11-23']);
  });
});
