// Signing in and out, the session cookie and its CSRF token, failed-login limits.
//
// agent2@globex.example is this file's account for the lockout: the last test locks it for
// 15 minutes, so no other test uses it. admin@globex.example and manager@globex.example are
// used for logouts here and nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, loginFull, uniqueTag, listAll, tokenOf, assertProblem, withoutInstance,
	RFC3339_UTC, PASSWORD,
} from './lib.mjs';

const LOCK_ACCOUNT = 'agent2@globex.example';
const LOCK_TENANT = 'globex';

function cookieOf(res) {
	const raw = res.headers['set-cookie'] || [];
	return (Array.isArray(raw) ? raw : [raw]).find((c) => c.startsWith('sp_token='));
}

test('login as an agent returns user, token, csrf token, expiry and an HttpOnly cookie', async () => {
	const res = await request('acme', 'POST', '/api/v1/auth/login', {
		body: { email: 'agent1@acme.example', password: PASSWORD },
	});
	assert.equal(res.status, 200, res.text);
	assert.match(res.headers['content-type'], /^application\/json/);
	const { user, token, csrf_token, expires_at } = res.json;
	assert.deepEqual(Object.keys(res.json).sort(), ['csrf_token', 'expires_at', 'token', 'user']);
	assert.ok(Number.isInteger(user.id) && user.id > 0);
	assert.equal(user.email, 'agent1@acme.example');
	assert.equal(user.role, 'agent');
	assert.equal(user.company, null);
	assert.equal(typeof user.name, 'string');
	assert.ok(user.name.length > 0);
	assert.equal(user.password, undefined);
	assert.equal(user.password_hash, undefined);
	assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
	assert.match(csrf_token, /^[0-9a-f]{16,}$/);
	assert.match(expires_at, RFC3339_UTC);
	assert.ok(Date.parse(expires_at) > Date.now(), `expires_at ${expires_at} is in the future`);

	const cookie = cookieOf(res);
	assert.ok(cookie, `Set-Cookie sp_token in ${JSON.stringify(res.headers['set-cookie'])}`);
	const attrs = cookie.split(';').map((s) => s.trim());
	assert.equal(attrs[0], `sp_token=${token}`);
	const lower = attrs.map((a) => a.toLowerCase());
	assert.ok(lower.includes('httponly'), cookie);
	assert.ok(lower.includes('samesite=lax'), cookie);
	assert.ok(lower.includes('path=/'), cookie);
});

test('login as a customer gives the company', async () => {
	const { user } = await loginFull('acme', 'carol@northwind.example');
	assert.equal(user.role, 'customer');
	assert.equal(user.email, 'carol@northwind.example');
	assert.ok(Number.isInteger(user.company.id));
	assert.equal(user.company.name, 'Northwind');
});

test('the other roles sign in with their role', async () => {
	for (const [tenant, email, role] of [
		['acme', 'admin@acme.example', 'admin'],
		['acme', 'manager@acme.example', 'manager'],
		['globex', 'agent1@globex.example', 'agent'],
		['globex', 'peter@initech.example', 'customer'],
	]) {
		const { user } = await loginFull(tenant, email);
		assert.equal(user.role, role, email);
		assert.equal(user.email, email);
	}
});

test('an account of one tenant cannot sign in at another tenant', async () => {
	const res = await request('globex', 'POST', '/api/v1/auth/login', {
		body: { email: 'carol@northwind.example', password: PASSWORD },
	});
	assertProblem(res, 401, 'invalid_credentials');
});

test('wrong password and unknown e-mail get the same 401 invalid_credentials', async () => {
	const wrong = await request('globex', 'POST', '/api/v1/auth/login', {
		body: { email: 'gavin@hooli.example', password: 'Wrong-Pass-1' },
	});
	// A good sign-in clears the account's failure count, so this test never edges the
	// account towards its lock, however often the suite runs.
	const good = await request('globex', 'POST', '/api/v1/auth/login', {
		body: { email: 'gavin@hooli.example', password: PASSWORD },
	});
	const unknown = await request('globex', 'POST', '/api/v1/auth/login', {
		body: { email: `nobody-${uniqueTag()}@globex.example`, password: 'Wrong-Pass-1' },
	});
	assertProblem(wrong, 401, 'invalid_credentials');
	assert.equal(good.status, 200, good.text);
	assertProblem(unknown, 401, 'invalid_credentials');
	assert.deepEqual(withoutInstance(wrong.json), withoutInstance(unknown.json));
	assert.equal(cookieOf(wrong), undefined);
	assert.equal(cookieOf(unknown), undefined);
});

// Same answer in time too: an unknown address spends the same password-hashing work as a wrong
// password, so response times do not tell which addresses have accounts. Compared as a ratio
// of medians over interleaved attempts in the same run, with room for a shared machine's noise
// (without the dummy hash the unknown address answers about seven times faster).
test('wrong password and unknown e-mail take the same time', async () => {
	const from = `127.${100 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
	const probe = uniqueTag('TM');
	const timed = async (body) => {
		const t0 = process.hrtime.bigint();
		const res = await request('globex', 'POST', '/api/v1/auth/login', { from, body });
		assertProblem(res, 401, 'invalid_credentials');
		return Number(process.hrtime.bigint() - t0) / 1e6;
	};
	const wrong = [];
	const unknown = [];
	for (let i = 0; i < 16; i++) {
		// Alternating which goes first cancels any drift of the machine's load.
		const w = () => timed({ email: 'peter@initech.example', password: `Wrong-Pass-${i}` });
		const u = () => timed({ email: `nobody-${probe}-${i}@globex.example`, password: `Wrong-Pass-${i}` });
		if (i % 2) { unknown.push(await u()); wrong.push(await w()); } else { wrong.push(await w()); unknown.push(await u()); }
		if (i % 4 === 3) { // keep the account clear of its 5-failure lock
			const good = await request('globex', 'POST', '/api/v1/auth/login', { from, body: { email: 'peter@initech.example', password: PASSWORD } });
			assert.equal(good.status, 200, good.text);
		}
	}
	const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	const ratio = median(unknown) / median(wrong);
	console.log(`# sign-in failure medians: wrong password ${median(wrong).toFixed(1)} ms, unknown address ${median(unknown).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
	assert.ok(ratio > 0.5 && ratio < 2, `unknown/wrong median ratio ${ratio.toFixed(2)}`);
});

test('login without a password or with a non-string e-mail is refused', async () => {
	const missing = await request('acme', 'POST', '/api/v1/auth/login', { body: { email: 'agent1@acme.example' } });
	assert.equal(missing.status, 422, missing.text);
	assert.equal(missing.json.code, 'validation_failed');
	const typed = await request('acme', 'POST', '/api/v1/auth/login', { body: { email: 7, password: PASSWORD } });
	assert.equal(typed.status, 422, typed.text);
	assert.equal(typed.json.code, 'validation_failed');
});

test('GET /me with the bearer token', async () => {
	const login = await loginFull('acme', 'carol@northwind.example');
	const res = await request('acme', 'GET', '/api/v1/me', { token: login.token });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(Object.keys(res.json).sort(), ['csrf_token', 'tenant', 'user']);
	assert.deepEqual(res.json.user, login.user);
	assert.equal(res.json.user.company.name, 'Northwind');
	assert.equal(res.json.tenant.slug, 'acme');
	assert.equal(res.json.tenant.name, 'Acme Corporation');
	assert.equal(res.json.tenant.branding.product_name, 'Acme Help Centre');
	assert.equal(res.json.tenant.settings.customers_see_company, true);
	assert.match(res.json.csrf_token, /^[0-9a-f]{16,}$/);
});

test('GET /me with the cookie', async () => {
	const login = await loginFull('globex', 'peter@initech.example');
	const res = await request('globex', 'GET', '/api/v1/me', { cookie: login.token });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json.user, login.user);
	assert.equal(res.json.tenant.slug, 'globex');
	assert.equal(res.json.tenant.settings.customers_see_company, false);
});

test('GET /me without a token is 401 unauthorized', async () => {
	assertProblem(await request('acme', 'GET', '/api/v1/me'), 401, 'unauthorized');
	assertProblem(await request('acme', 'GET', '/api/v1/me', { cookie: 'not-a-token' }), 401, 'unauthorized');
	assertProblem(await request('acme', 'GET', '/api/v1/me', { token: 'not-a-token' }), 401, 'unauthorized');
});

test('logout revokes the token and clears the cookie', async () => {
	// Accounts used for logouts are not used by any other file, so that a backend revoking
	// more than the one session could not disturb tests running in parallel.
	const login = await loginFull('globex', 'admin@globex.example');
	assert.equal((await request('globex', 'GET', '/api/v1/me', { token: login.token })).status, 200);
	const other = await loginFull('globex', 'admin@globex.example');
	const out = await request('globex', 'POST', '/api/v1/auth/logout', { token: login.token });
	assert.equal(out.status, 204, out.text);
	assert.equal(out.text, '');
	const cleared = cookieOf(out);
	assert.ok(cleared, `logout clears sp_token: ${JSON.stringify(out.headers['set-cookie'])}`);
	assert.match(cleared, /^sp_token=("")?;/);
	assert.match(cleared.toLowerCase(), /max-age=0|expires=thu, 01 jan 1970/);

	assertProblem(await request('globex', 'GET', '/api/v1/me', { token: login.token }), 401, 'unauthorized');
	assertProblem(await request('globex', 'GET', '/api/v1/me', { cookie: login.token }), 401, 'unauthorized');
	assertProblem(await request('globex', 'GET', '/api/v1/tickets', { token: login.token }), 401, 'unauthorized');
	// A revoked token cannot write either.
	const tag = uniqueTag('LO');
	const peter = (await loginFull('globex', 'peter@initech.example')).user;
	const post = await request('globex', 'POST', '/api/v1/tickets', {
		token: login.token, body: { subject: `${tag} after logout`, description: 'x', customer_id: peter.id },
	});
	assertProblem(post, 401, 'unauthorized');
	// Logging out again with the revoked token is refused too.
	assertProblem(await request('globex', 'POST', '/api/v1/auth/logout', { token: login.token }), 401, 'unauthorized');
	// Another session of the same user is unaffected.
	assert.equal((await request('globex', 'GET', '/api/v1/me', { token: other.token })).status, 200);
	assert.equal((await listAll('globex', other.token, { q: tag })).length, 0);
});

test('logout without a token is 401', async () => {
	assertProblem(await request('acme', 'POST', '/api/v1/auth/logout'), 401, 'unauthorized');
});

test('a cookie-authenticated POST needs X-CSRF-Token', async () => {
	const login = await loginFull('acme', 'carol@northwind.example');
	const tag = uniqueTag('CS');
	const body = { subject: `${tag} csrf`, description: 'cookie post' };

	const none = await request('acme', 'POST', '/api/v1/tickets', { cookie: login.token, body });
	assertProblem(none, 403, 'csrf_failed');
	const wrong = await request('acme', 'POST', '/api/v1/tickets', { cookie: login.token, csrf: '0'.repeat(login.csrf_token.length), body });
	assertProblem(wrong, 403, 'csrf_failed');
	const agent = await tokenOf('acme', 'agent1@acme.example');
	assert.equal((await listAll('acme', agent, { q: tag })).length, 0, 'nothing created without the CSRF token');

	// The token from /me works as well as the one from the login answer.
	const me = await request('acme', 'GET', '/api/v1/me', { cookie: login.token });
	const ok = await request('acme', 'POST', '/api/v1/tickets', { cookie: login.token, csrf: me.json.csrf_token, body });
	assert.equal(ok.status, 201, ok.text);
	assert.equal(ok.json.subject, `${tag} csrf`);
	const ok2 = await request('acme', 'POST', '/api/v1/tickets', {
		cookie: login.token, csrf: login.csrf_token, body: { ...body, subject: `${tag} csrf 2` },
	});
	assert.equal(ok2.status, 201, ok2.text);
	assert.equal((await listAll('acme', agent, { q: tag })).length, 2);
});

test('cookie-authenticated PATCH, transitions and notes need X-CSRF-Token too', async () => {
	const login = await loginFull('acme', 'agent2@acme.example');
	const carol = (await loginFull('acme', 'carol@northwind.example')).user;
	const t = (await request('acme', 'POST', '/api/v1/tickets', {
		token: login.token, body: { subject: `${uniqueTag('CP')} csrf patch`, description: 'x', customer_id: carol.id },
	})).json;
	const path = `/api/v1/tickets/${t.number}`;
	const ifMatch = { 'If-Match': `"${t.version}"` };
	assertProblem(await request('acme', 'PATCH', path, { cookie: login.token, body: { priority: 'high' }, headers: ifMatch }), 403, 'csrf_failed');
	assertProblem(await request('acme', 'POST', `${path}/transitions`, { cookie: login.token, body: { to: 'resolved' } }), 403, 'csrf_failed');
	assertProblem(await request('acme', 'POST', `${path}/notes`, { cookie: login.token, body: { body: 'x' } }), 403, 'csrf_failed');
	const unchanged = await request('acme', 'GET', path, { cookie: login.token });
	assert.equal(unchanged.json.version, t.version);
	assert.equal(unchanged.json.priority, 'normal');
	assert.equal(unchanged.json.status.key, 'not_started');
	const notes = await request('acme', 'GET', `${path}/notes`, { token: login.token });
	assert.deepEqual(notes.json.data, []);

	const ok = await request('acme', 'PATCH', path, { cookie: login.token, csrf: login.csrf_token, body: { priority: 'high' }, headers: ifMatch });
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.priority, 'high');
});

test('another session\'s CSRF token does not work with this cookie', async () => {
	const a = await loginFull('acme', 'carol@northwind.example');
	const b = await loginFull('acme', 'dan@northwind.example');
	const tag = uniqueTag('CX');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		cookie: a.token, csrf: b.csrf_token, body: { subject: `${tag} crossed csrf`, description: 'x' },
	});
	assertProblem(res, 403, 'csrf_failed');
});

test('a cookie-authenticated logout needs the CSRF token too', async () => {
	const login = await loginFull('globex', 'manager@globex.example');
	assertProblem(await request('globex', 'POST', '/api/v1/auth/logout', { cookie: login.token }), 403, 'csrf_failed');
	assert.equal((await request('globex', 'GET', '/api/v1/me', { cookie: login.token })).status, 200, 'still signed in');
	const out = await request('globex', 'POST', '/api/v1/auth/logout', { cookie: login.token, csrf: login.csrf_token });
	assert.equal(out.status, 204, out.text);
	assertProblem(await request('globex', 'GET', '/api/v1/me', { cookie: login.token }), 401, 'unauthorized');
});

test('bearer requests need no CSRF header, and GET with a cookie needs none', async () => {
	const login = await loginFull('acme', 'carol@northwind.example');
	const tag = uniqueTag('BR');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: login.token, body: { subject: `${tag} bearer`, description: 'x' },
	});
	assert.equal(res.status, 201, res.text);
	const get = await request('acme', 'GET', `/api/v1/tickets/${res.json.number}`, { cookie: login.token });
	assert.equal(get.status, 200, get.text);
});

// The per-address limit is tested from a loopback address of its own (127.x.y.z), so the
// failures counted against it never block the other tests, which connect from 127.0.0.1.
test('after 50 failed logins from one address, that address gets 429, other addresses do not', async () => {
	const from = `127.${100 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
	const probe = uniqueTag('AD');
	let refusedAt = null;
	for (let i = 1; i <= 50; i++) {
		// Unknown addresses only: no real account is pushed towards its own lock.
		const res = await request('acme', 'POST', '/api/v1/auth/login', {
			from, body: { email: `nobody-${probe}-${i}@acme.example`, password: 'Wrong-Pass-1' },
		});
		if (res.status !== 401) { refusedAt = i; break; }
		assertProblem(res, 401, 'invalid_credentials');
	}
	assert.equal(refusedAt, null, `refused early, at attempt ${refusedAt}`);
	const blocked = await request('acme', 'POST', '/api/v1/auth/login', {
		from, body: { email: 'agent1@acme.example', password: PASSWORD },
	});
	assertProblem(blocked, 429, 'too_many_attempts');
	assert.match(String(blocked.headers['retry-after']), /^\d+$/);
	assert.ok(Number(blocked.headers['retry-after']) <= 15 * 60);
	// Headers a client can set do not change its address.
	const spoofed = await request('acme', 'POST', '/api/v1/auth/login', {
		from,
		body: { email: 'agent1@acme.example', password: PASSWORD },
		headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Real-IP': '203.0.113.9', Forwarded: 'for=203.0.113.9' },
	});
	assertProblem(spoofed, 429, 'too_many_attempts');
	// The limit is per address: the same account signs in from another address.
	const elsewhere = await request('acme', 'POST', '/api/v1/auth/login', { body: { email: 'agent1@acme.example', password: PASSWORD } });
	assert.equal(elsewhere.status, 200, elsewhere.text);
});

// Runs last in this file: it locks LOCK_ACCOUNT for 15 minutes.
test('after 5 failed logins the account answers 429 with Retry-After, even with the right password', async () => {
	let failures = 0;
	while (failures < 5) {
		const res = await request(LOCK_TENANT, 'POST', '/api/v1/auth/login', {
			body: { email: LOCK_ACCOUNT, password: `Wrong-Pass-${failures}` },
		});
		// Against a long-lived stack, an earlier run within the last 15 minutes may
		// already have locked the account; then the lock is what this test checks.
		if (failures === 0 && res.status === 429) break;
		assertProblem(res, 401, 'invalid_credentials');
		failures++;
	}
	const locked = await request(LOCK_TENANT, 'POST', '/api/v1/auth/login', {
		body: { email: LOCK_ACCOUNT, password: PASSWORD },
	});
	assertProblem(locked, 429, 'too_many_attempts');
	const retry = locked.headers['retry-after'];
	assert.match(String(retry), /^\d+$/, `Retry-After: ${retry}`);
	assert.ok(Number(retry) >= 1 && Number(retry) <= 15 * 60, `Retry-After: ${retry}`);
	assert.equal(locked.json.token, undefined);
	assert.equal(cookieOf(locked), undefined);

	const lockedWrong = await request(LOCK_TENANT, 'POST', '/api/v1/auth/login', {
		body: { email: LOCK_ACCOUNT, password: 'Wrong-Pass-x' },
	});
	assertProblem(lockedWrong, 429, 'too_many_attempts');

	// The lock is per account: another account of the same tenant still signs in.
	const other = await request(LOCK_TENANT, 'POST', '/api/v1/auth/login', {
		body: { email: 'agent1@globex.example', password: PASSWORD },
	});
	assert.equal(other.status, 200, other.text);
});
