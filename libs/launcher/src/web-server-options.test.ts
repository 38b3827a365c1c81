import { parseWebServerOptions, webServerArgs } from './web-server-options';

describe('parseWebServerOptions', () => {
  it('listens where `next start` would: --port, else PORT, else 3000, on every interface unless --hostname', () => {
    expect(parseWebServerOptions([], {})).toEqual({ dev: false, port: 3000, hostname: undefined, trustProxy: false, logLevel: 'info' });
    expect(parseWebServerOptions([], { PORT: '3100' }).port).toBe(3100);
    expect(parseWebServerOptions(['--port', '3200', '--hostname', '127.0.0.1', '--dev'], { PORT: '3100' })).toMatchObject({
      dev: true,
      port: 3200,
      hostname: '127.0.0.1',
    });
  });

  it("trusts a reverse proxy's X-Forwarded-For only when WEB_TRUST_PROXY says so (blank: the default, no)", () => {
    expect(parseWebServerOptions([], { WEB_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parseWebServerOptions([], { WEB_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(parseWebServerOptions([], { WEB_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(parseWebServerOptions([], { WEB_TRUST_PROXY: ' ' }).trustProxy).toBe(false);
    // The chat service's switch is for its own entry point, not this one.
    expect(parseWebServerOptions([], { WS_TRUST_PROXY: 'true' }).trustProxy).toBe(false);
  });

  it('refuses, in words, a switch or a port it cannot read, and an unknown argument', () => {
    expect(() => parseWebServerOptions([], { WEB_TRUST_PROXY: 'yes' })).toThrow(/Invalid web server settings: WEB_TRUST_PROXY: must be true or false/);
    expect(() => parseWebServerOptions(['--port', 'http'], {})).toThrow(/PORT: /);
    expect(() => parseWebServerOptions(['--prot', '3000'], {})).toThrow(/--prot/);
  });
});

describe('webServerArgs', () => {
  it('starts web-server.ts with tsx, in development mode only when asked', () => {
    expect(webServerArgs('/app', { dev: false, port: 3000 })).toEqual(['--import', 'tsx', '/app/libs/launcher/src/web-server.ts', '--port', '3000']);
    expect(webServerArgs('/app', { dev: true, port: 3001, hostname: '127.0.0.1' })).toEqual([
      '--import',
      'tsx',
      '/app/libs/launcher/src/web-server.ts',
      '--dev',
      '--port',
      '3001',
      '--hostname',
      '127.0.0.1',
    ]);
  });
});
