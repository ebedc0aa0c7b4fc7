import { describe, expect, it, vi } from 'vitest';

// The security rules must be checkable without an Electron binary.
vi.mock('electron', () => ({}));

const { APP_URL, CONTENT_SECURITY_POLICY, decideNavigation, filesFromArgv, isAppUrl, mainWindowOptions, secureWebPreferences, withCsp } = await import('./security');

describe('window options', () => {
  it('isolate the renderer: context isolation, sandbox, no Node, web security on', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(mainWindowOptions('/p', true).webPreferences).toEqual(secureWebPreferences('/p'));
  });
});

describe('content security policy', () => {
  it('allows only the app itself: no remote, inline or eval code, no plugins, no framing', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('is set on every response, replacing any other policy', () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(withCsp(undefined)['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });
});

describe('navigation', () => {
  it('is always denied; a dropped file becomes an open request', () => {
    expect(decideNavigation('https://example.com/')).toEqual({ allow: false });
    expect(decideNavigation(APP_URL)).toEqual({ allow: false });
    expect(decideNavigation('file:///home/me/my%20store.th')).toEqual({ allow: false, openPath: '/home/me/my store.th' });
    expect(decideNavigation('not a url')).toEqual({ allow: false });
  });

  it('knows the app URL from anything else', () => {
    expect(isAppUrl(APP_URL)).toBe(true);
    expect(isAppUrl('thunderhead://app/assets/x.js')).toBe(true);
    expect(isAppUrl('thunderhead://evil/index.html')).toBe(false);
    expect(isAppUrl('https://app/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
  });

  it('takes store paths from the command line, skipping flags', () => {
    expect(filesFromArgv(['/usr/bin/electron', '/repo', '--inspect', 'a.th'], false)).toEqual(['a.th']);
    expect(filesFromArgv(['/opt/Thunderhead/thunderhead', 'a.th', 'b.th', '--no-sandbox'], true)).toEqual(['a.th', 'b.th']);
  });

  it('opens a file a Linux desktop entry passes as a file:// URL (double-click on a .th file)', () => {
    expect(filesFromArgv(['/opt/Thunderhead/thunderhead', 'file:///home/ada/My%20Stores/app.th'], true)).toEqual(['/home/ada/My Stores/app.th']);
  });
});
