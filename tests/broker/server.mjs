// tokensweep's test authorization server: the real oidc-provider on 127.0.0.1, port 0.
//
// Started through ./run (see README.md beside this file). Prints exactly one line
// "READY <issuer-url>" on stdout once it listens; exits 0 on SIGTERM or SIGINT.
// Everything else it says goes to stderr. It only ever binds the loopback address.

import { createHash } from 'node:crypto';
import { appendFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { parse as parseQuery } from 'node:querystring';

import Provider from 'oidc-provider';

// ---------------------------------------------------------------------------------
// Options

function usage(message) {
  process.stderr.write(`broker: ${message}\n`);
  process.stderr.write(`usage: run [--ledger FILE] [--events FILE] [--auto-approve] [--slow-down SECONDS]
           [--interval SECONDS] [--device-code-ttl SECONDS] [--advertise-expires-in SECONDS]
           [--access-token-ttl SECONDS] [--refresh-token-ttl SECONDS] [--no-interval]
           [--account ID] [--watch-stdin] [--hook-log FILE]\n`);
  process.exit(2);
}

const options = {
  ledger: undefined,          // JSON Lines: every device code and token issued
  events: undefined,          // JSON Lines: every device-code poll (fingerprints only)
  autoApprove: false,         // POST /__test/approve {user_code, deny=1}
  slowDown: 0,                // answer slow_down to polls closer than this many seconds
  interval: 1,                // RFC 8628 §3.2 `interval` sent in device authorization responses
  sendInterval: true,
  deviceCodeTtl: 60,
  advertiseExpiresIn: undefined,
  accessTokenTtl: 600,
  refreshTokenTtl: 3600,
  account: 'alice',
  hookLog: undefined,         // JSON Lines: every raw body POSTed to /hooks/tokensweep
};

const positiveInt = (flag, value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) usage(`${flag} needs a whole number of seconds, got '${value}'`);
  return n;
};

{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      i += 1;
      return argv[i];
    };
    switch (flag) {
      case '--ledger': options.ledger = value(); break;
      case '--events': options.events = value(); break;
      case '--auto-approve': options.autoApprove = true; break;
      case '--slow-down': options.slowDown = positiveInt(flag, value()); break;
      case '--interval': options.interval = positiveInt(flag, value()); break;
      case '--no-interval': options.sendInterval = false; break;
      case '--device-code-ttl': options.deviceCodeTtl = positiveInt(flag, value()); break;
      case '--advertise-expires-in': options.advertiseExpiresIn = positiveInt(flag, value()); break;
      case '--access-token-ttl': options.accessTokenTtl = positiveInt(flag, value()); break;
      case '--refresh-token-ttl': options.refreshTokenTtl = positiveInt(flag, value()); break;
      case '--account': options.account = value(); break;
      case '--watch-stdin': options.watchStdin = true; break;
      case '--hook-log': options.hookLog = value(); break;
      default: usage(`unknown option '${flag}'`);
    }
  }
}

const scannerSecret = process.env.BROKER_SCANNER_SECRET;
if (!scannerSecret || scannerSecret.length < 16) {
  usage('set BROKER_SCANNER_SECRET (at least 16 characters) for the tokensweep-scanner client');
}

// ---------------------------------------------------------------------------------
// Ledger and events: what the tests hunt for.

const fingerprint = (value) => createHash('sha256').update(value).digest('hex');

// Every token issued, by SHA-256: what the reference webhook answers about.
const issued = new Map();

function ledger(kind, value, extra = {}) {
  if (typeof value !== 'string' || value === '') return;
  issued.set(fingerprint(value), { kind, value });
  if (!options.ledger) return;
  appendFileSync(options.ledger, `${JSON.stringify({ kind, value, ...extra, at: Date.now() })}\n`);
}

function event(record) {
  if (!options.events) return;
  appendFileSync(options.events, `${JSON.stringify({ ...record, at: Date.now() })}\n`);
}

// ---------------------------------------------------------------------------------
// The provider

const accounts = new Map();
function account(id) {
  if (!accounts.has(id)) {
    accounts.set(id, {
      accountId: id,
      async claims() {
        return { sub: id, name: `Test User ${id}`, email: `${id}@example.test`, email_verified: true };
      },
    });
  }
  return accounts.get(id);
}

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      // The reference login client: a public client (RFC 8628 devices cannot keep secrets).
      client_id: 'tokensweep-login',
      token_endpoint_auth_method: 'none',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    },
    {
      // The scanner's broker hook: confidential, may introspect and revoke any token.
      client_id: 'tokensweep-scanner',
      client_secret: scannerSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [],
      response_types: [],
      redirect_uris: [],
    },
  ],
  findAccount: (ctx, id) => account(id),
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    introspection: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => (
        client.clientId === 'tokensweep-scanner' || token.clientId === client.clientId
      ),
    },
    revocation: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => (
        client.clientId === 'tokensweep-scanner' || token.clientId === client.clientId
      ),
    },
  },
  // Every grant that may refresh gets a refresh token (no offline_access dance), and the
  // stock policy rotates it on every use for public clients, with reuse detection.
  // Identity claims (name, email) go into the ID token too, so a CLI can show who logged in.
  conformIdTokenClaims: false,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: options.accessTokenTtl,
    DeviceCode: options.deviceCodeTtl,
    RefreshToken: options.refreshTokenTtl,
    IdToken: 600,
    Grant: 86400,
    Interaction: 600,
    Session: 86400,
  },
  cookies: { keys: [fingerprint(`${scannerSecret}:cookies`)] },
  // Stack traces and the like stay out of responses.
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>error</title><p>${out.error}</p>`;
  },
});

// Read an urlencoded body ourselves (the provider then parses the string we leave).
async function readForm(ctx) {
  if (!ctx.is('application/x-www-form-urlencoded')) return {};
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString('utf8');
  ctx.req.body = raw;
  return parseQuery(raw);
}

// Per device code: when it was last polled (or issued), in ms.
const lastPoll = new Map();

provider.use(async (ctx, next) => {
  const isToken = ctx.method === 'POST' && ctx.path === '/token';
  const isDeviceAuth = ctx.method === 'POST' && ctx.path === '/device/auth';

  if (ctx.method === 'POST' && ctx.path === '/hooks/tokensweep') {
    await tokensweepHook(ctx);
    return;
  }

  if (ctx.method === 'POST' && ctx.path === '/__test/approve') {
    if (!options.autoApprove) {
      ctx.status = 404;
      return;
    }
    await approve(ctx, await readForm(ctx));
    return;
  }

  let polled;
  if (isToken) {
    const form = await readForm(ctx);
    if (form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code' && typeof form.device_code === 'string') {
      polled = form.device_code;
      const now = Date.now();
      const previous = lastPoll.get(polled);
      lastPoll.set(polled, now);
      // RFC 8628 §3.5: a client that polls faster than the server wants is told to slow down.
      if (options.slowDown > 0 && previous !== undefined && now - previous < options.slowDown * 1000) {
        ctx.status = 400;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { error: 'slow_down', error_description: 'polling too fast' };
        event({ event: 'poll', device_code_sha256: fingerprint(polled), answer: 'slow_down' });
        return;
      }
    }
  }

  await next();

  if (isDeviceAuth && ctx.status === 200 && ctx.body && ctx.body.device_code) {
    // The stock provider sends no `interval` (RFC 8628 §3.2 then means 5 s); we send one.
    if (options.sendInterval) ctx.body.interval = options.interval;
    if (options.advertiseExpiresIn !== undefined) ctx.body.expires_in = options.advertiseExpiresIn;
    lastPoll.set(ctx.body.device_code, Date.now());
    ledger('device_code', ctx.body.device_code, { client_id: 'tokensweep-login' });
    event({ event: 'device_authorization', device_code_sha256: fingerprint(ctx.body.device_code) });
  }
  if (isToken && ctx.body && typeof ctx.body === 'object') {
    if (polled !== undefined) {
      event({
        event: 'poll',
        device_code_sha256: fingerprint(polled),
        answer: ctx.status === 200 ? 'tokens' : String(ctx.body.error),
      });
    }
    if (ctx.status === 200) {
      for (const kind of ['access_token', 'refresh_token', 'id_token']) {
        ledger(kind, ctx.body[kind]);
      }
    } else if (polled === undefined) {
      event({ event: 'token_error', error: String(ctx.body.error) });
    }
  }
});

// POST /__test/approve: user_code=XXXX-XXXX [deny=1] [account=ID]. Does what the device,
// login and consent pages do, minus the browser.
async function approve(ctx, form) {
  const userCode = String(form.user_code || '').toUpperCase().replace(/\W/g, '');
  const code = userCode ? await provider.DeviceCode.findByUserCode(userCode, { ignoreExpiration: true }) : undefined;
  ctx.type = 'json';
  if (!code || code.isExpired || code.error || code.accountId) {
    ctx.status = 400;
    ctx.body = { error: code ? 'user code expired or already used' : 'no such user code' };
    return;
  }
  if (form.deny === '1') {
    Object.assign(code, { error: 'access_denied', errorDescription: 'End-User denied the request' });
    await code.save();
    ctx.body = { approved: false };
    return;
  }
  const accountId = String(form.account || options.account);
  const scope = String(code.params.scope || 'openid').split(' ').filter(Boolean).join(' ');
  const grant = new provider.Grant({ accountId, clientId: code.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  Object.assign(code, {
    accountId,
    grantId,
    scope,
    authTime: Math.floor(Date.now() / 1000),
    amr: ['pwd'],
  });
  await code.save();
  ctx.body = { approved: true };
}

// ---------------------------------------------------------------------------------
// The reference webhook (design §3.4): POST /hooks/tokensweep
//   {"action":"check"|"revoke","findings":[{"fingerprint","kind","provider","rule_id"[,"secret"]}]}
//   → {"results":[{"fingerprint","status":"active|inactive|revoked|unknown"}]}
// It knows every token it issued, so it answers by fingerprint alone; a fingerprint it
// never issued is `unknown` (not its token: it cannot vouch for it). `revoke` ends the
// whole grant (every access and refresh token of that login). Callers authenticate as
// tokensweep-scanner with HTTP Basic, like introspection.

const tokenModels = () => ({
  access_token: provider.AccessToken,
  refresh_token: provider.RefreshToken,
  device_code: provider.DeviceCode,
});

async function issuedToken(kind, value) {
  const Model = tokenModels()[kind];
  if (!Model) return undefined;
  return Model.find(value, { ignoreExpiration: true });
}

async function tokenStatus(kind, value) {
  const Model = tokenModels()[kind];
  if (!Model) return 'unknown';  // ID tokens cannot be revoked or introspected here
  const token = await issuedToken(kind, value);
  if (!token || token.isExpired || token.consumed || token.error) return 'inactive';
  if (token.grantId && !(await provider.Grant.find(token.grantId))) return 'inactive';
  return 'active';
}

async function revokeToken(kind, value) {
  const token = await issuedToken(kind, value);
  if (!token) return 'inactive';
  if (token.grantId) {
    for (const Model of [provider.AccessToken, provider.RefreshToken, provider.DeviceCode, provider.AuthorizationCode]) {
      await Model.revokeByGrantId(token.grantId);
    }
    const grant = await provider.Grant.find(token.grantId);
    if (grant) await grant.destroy();
  }
  await token.destroy();
  return 'revoked';
}

function scannerAuthorized(ctx) {
  const header = ctx.get('authorization');
  const expected = `Basic ${Buffer.from(`tokensweep-scanner:${encodeURIComponent(scannerSecret)}`).toString('base64')}`;
  return header === expected;
}

async function tokensweepHook(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (options.hookLog) {
    appendFileSync(options.hookLog, `${JSON.stringify({ at: Date.now(), authorized: scannerAuthorized(ctx), body: raw })}\n`);
  }
  ctx.type = 'json';
  if (!scannerAuthorized(ctx)) {
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Basic realm="tokensweep"');
    ctx.body = { error: 'invalid_client' };
    return;
  }
  let request;
  try {
    request = JSON.parse(raw);
  } catch {
    request = undefined;
  }
  if (!request || !['check', 'revoke'].includes(request.action) || !Array.isArray(request.findings)) {
    ctx.status = 400;
    ctx.body = { error: 'expected {"action":"check"|"revoke","findings":[...]}' };
    return;
  }
  const results = [];
  for (const finding of request.findings) {
    const fp = String(finding && finding.fingerprint);
    const known = issued.get(fp);
    let status = 'unknown';
    if (known) {
      status = request.action === 'check' ? await tokenStatus(known.kind, known.value)
                                          : await revokeToken(known.kind, known.value);
    }
    results.push({ fingerprint: fp, status });
  }
  ctx.body = { results };
}

provider.on('server_error', (ctx, err) => {
  process.stderr.write(`broker: server_error on ${ctx.method} ${ctx.path}: ${err.message}\n`);
});

server.on('request', provider.callback());

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A test that dies without stopping us closes our stdin: leave with it.
if (options.watchStdin) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

// The one line on stdout, written synchronously so a reader never waits on a buffer.
writeSync(1, `READY ${issuer}\n`);
