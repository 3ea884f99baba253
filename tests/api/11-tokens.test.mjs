// Forged and damaged tokens. Every one must get 401 unauthorized and cause nothing.
// The tests cannot sign tokens (the key never leaves the server), so each vector starts from
// a real token and changes its header, payload or signature.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, loginFull, userOf, listAll, tokenOf, uniqueTag, assertProblem, b64url, unb64url,
} from './lib.mjs';

const tag = uniqueTag('TK');
let real, header, payload, headerB64, payloadB64, sig, carolId;

before(async () => {
	real = (await loginFull('acme', 'agent1@acme.example')).token;
	[headerB64, payloadB64, sig] = real.split('.');
	header = JSON.parse(unb64url(headerB64).toString('utf8'));
	payload = JSON.parse(unb64url(payloadB64).toString('utf8'));
	carolId = (await userOf('acme', 'carol@northwind.example')).id;
});

const enc = (obj) => b64url(typeof obj === 'string' ? obj : JSON.stringify(obj));
const forge = (h, p, s) => `${enc(h)}.${enc(p)}.${s}`;

// Asserts that the token is refused for reading and for writing, by bearer and by cookie.
async function assertRefused(token, name) {
	const me = await request('acme', 'GET', '/api/v1/me', { token });
	assertProblem(me, 401, 'unauthorized');
	const cookie = await request('acme', 'GET', '/api/v1/me', { cookie: token });
	assert.equal(cookie.status, 401, `${name} as cookie: ${cookie.status} ${cookie.text}`);
	const post = await request('acme', 'POST', '/api/v1/tickets', {
		token, body: { subject: `${tag} ${name}`, description: 'forged', customer_id: carolId },
	});
	assertProblem(post, 401, 'unauthorized');
}

test('the genuine token works (so the refusals below mean something)', async () => {
	assert.equal(typeof header.alg, 'string');
	const me = await request('acme', 'GET', '/api/v1/me', { token: real });
	assert.equal(me.status, 200, me.text);
	assert.equal(me.json.user.email, 'agent1@acme.example');
	assert.ok(Number.isInteger(payload.exp), `exp claim: ${JSON.stringify(payload)}`);
});

test('alg none, in any spelling, with an empty or the original signature', async () => {
	for (const alg of ['none', 'NONE', 'None', 'nOnE']) {
		await assertRefused(forge({ ...header, alg }, payload, ''), `alg ${alg} empty`);
		await assertRefused(forge({ ...header, alg }, payload, sig), `alg ${alg} sig`);
	}
	const { alg: _drop, ...noAlg } = header;
	await assertRefused(forge(noAlg, payload, sig), 'alg missing');
	await assertRefused(forge({ ...header, alg: 'none' }, payload, '') + '.', 'alg none four segments');
});

test('a different or differently spelled algorithm', async () => {
	const others = ['hs256', 'Hs256', 'HS384', 'HS512', 'RS256', 'ES256', 'EdDSA', 'PS256', '', 'HS256 '];
	for (const alg of others.filter((a) => a !== header.alg)) {
		await assertRefused(forge({ ...header, alg }, payload, sig), `alg ${alg}`);
	}
	await assertRefused(forge({ ...header, alg: 7 }, payload, sig), 'alg number');
	await assertRefused(forge({ ...header, alg: [header.alg] }, payload, sig), 'alg array');
});

test('the header re-encoded with other whitespace no longer matches its signature', async () => {
	const spaced = JSON.stringify(header, null, 1);
	await assertRefused(`${enc(spaced)}.${payloadB64}.${sig}`, 'header whitespace');
	await assertRefused(`${headerB64}.${enc(JSON.stringify(payload, null, 1))}.${sig}`, 'payload whitespace');
});

test('one bit flipped in the signature', async () => {
	const bytes = unb64url(sig);
	for (const i of [0, bytes.length >> 1, bytes.length - 1]) {
		const flipped = Buffer.from(bytes);
		flipped[i] ^= 0x01;
		await assertRefused(`${headerB64}.${payloadB64}.${b64url(flipped)}`, `bit flip at ${i}`);
	}
});

test('truncated, extended or empty signature', async () => {
	await assertRefused(`${headerB64}.${payloadB64}.${sig.slice(0, -1)}`, 'sig minus 1');
	await assertRefused(`${headerB64}.${payloadB64}.${sig.slice(0, -4)}`, 'sig minus 4');
	await assertRefused(`${headerB64}.${payloadB64}.${sig.slice(0, sig.length >> 1)}`, 'sig half');
	await assertRefused(`${headerB64}.${payloadB64}.${sig}A`, 'sig plus 1');
	await assertRefused(`${headerB64}.${payloadB64}.${sig}AA`, 'sig plus 2');
	await assertRefused(`${headerB64}.${payloadB64}.${sig}=`, 'sig padded');
	await assertRefused(`${headerB64}.${payloadB64}.`, 'sig empty');
	await assertRefused(`${headerB64}.${payloadB64}.${b64url(Buffer.alloc(unb64url(sig).length))}`, 'sig zeros');
});

test('two, four, one or no segments', async () => {
	await assertRefused(`${headerB64}.${payloadB64}`, 'two segments');
	await assertRefused(`${real}.${sig}`, 'four segments');
	await assertRefused(`${real}.`, 'trailing dot');
	await assertRefused(`.${real}`, 'leading dot');
	await assertRefused(payloadB64, 'one segment');
	await assertRefused('..', 'dots only');
	await assertRefused(`${headerB64}..${sig}`, 'empty payload');
});

test('a 100 KB token', async () => {
	const padded = { ...payload, pad: 'x'.repeat(100 * 1024) };
	const token = `${headerB64}.${enc(padded)}.${sig}`;
	assert.ok(token.length > 100 * 1024);
	await assertRefused(token, '100 KB');
});

test('claims changed while keeping the signature', async () => {
	await assertRefused(`${headerB64}.${enc({ ...payload, role: 'admin' })}.${sig}`, 'role admin');
	await assertRefused(`${headerB64}.${enc({ ...payload, role: 'operator' })}.${sig}`, 'role operator');
	await assertRefused(`${headerB64}.${enc({ ...payload, exp: Math.floor(Date.now() / 1000) - 61 })}.${sig}`, 'exp past');
	await assertRefused(`${headerB64}.${enc({ ...payload, exp: payload.exp + 86400 * 365 })}.${sig}`, 'exp extended');
	await assertRefused(`${headerB64}.${enc({ ...payload, exp: String(payload.exp) })}.${sig}`, 'exp string');
	const { exp: _e, ...noExp } = payload;
	await assertRefused(`${headerB64}.${enc(noExp)}.${sig}`, 'exp missing');
	await assertRefused(`${headerB64}.${enc({ ...payload, nbf: Math.floor(Date.now() / 1000) + 3600 })}.${sig}`, 'nbf future');
	await assertRefused(`${headerB64}.${enc({ ...payload, iss: 'someone-else' })}.${sig}`, 'iss');
	const sub = Number.isInteger(payload.sub) ? payload.sub + 1 : `${payload.sub}0`;
	await assertRefused(`${headerB64}.${enc({ ...payload, sub })}.${sig}`, 'sub');
	for (const claim of ['tid', 'tenant', 'aud']) {
		if (payload[claim] === undefined) continue;
		const other = typeof payload[claim] === 'number' ? payload[claim] + 1 : 'globex';
		await assertRefused(`${headerB64}.${enc({ ...payload, [claim]: other })}.${sig}`, `${claim} changed`);
	}
	// Duplicate role keys: a parser that takes the last one would see admin.
	const dup = JSON.stringify(payload).replace(/}$/, ',"role":"admin"}');
	await assertRefused(`${headerB64}.${enc(dup)}.${sig}`, 'duplicate role');
});

test('a kid that looks like a path or SQL', async () => {
	for (const kid of ['../../etc/passwd', '/dev/null', "' OR 1=1 -- ", 'x'.repeat(5000), '']) {
		await assertRefused(forge({ ...header, kid }, payload, sig), `kid ${kid.slice(0, 20)}`);
	}
	for (const h of [{ ...header, jku: 'http://127.0.0.1:1/keys' }, { ...header, x5u: 'http://127.0.0.1:1/cert' }, { ...header, jwk: { kty: 'oct', k: b64url('secret') } }, { ...header, crit: ['exp'] }]) {
		await assertRefused(forge(h, payload, sig), `header ${Object.keys(h).pop()}`);
	}
});

test('garbage in the Authorization header', async () => {
	for (const value of ['Bearer', 'Bearer ', `Basic ${b64url('agent1@acme.example:Demo-Pass-1')}`, `Token ${real}`, `Bearer ${real} extra`, `Bearer ${real.replace(/\./g, '%2E')}`, 'Bearer \u00e9\u00e9']) {
		const res = await request('acme', 'GET', '/api/v1/me', { headers: { Authorization: Buffer.from(value, 'latin1').toString('latin1') } });
		assertProblem(res, 401, 'unauthorized');
	}
});

test('a token in the query string is not a credential', async () => {
	assertProblem(await request('acme', 'GET', `/api/v1/me?token=${real}`), 401, 'unauthorized');
	assertProblem(await request('acme', 'GET', `/api/v1/me?access_token=${real}`), 401, 'unauthorized');
});

test('the CSRF token is not a credential', async () => {
	const login = await loginFull('acme', 'agent1@acme.example');
	assertProblem(await request('acme', 'GET', '/api/v1/me', { token: login.csrf_token }), 401, 'unauthorized');
	assertProblem(await request('acme', 'GET', '/api/v1/me', { cookie: login.csrf_token }), 401, 'unauthorized');
});

test('none of the forged requests created anything, and the real token still works', async () => {
	assert.deepEqual(await listAll('acme', await tokenOf('acme', 'manager@acme.example'), { q: tag }), []);
	const me = await request('acme', 'GET', '/api/v1/me', { token: real });
	assert.equal(me.status, 200, me.text);
	assert.equal(me.json.user.role, 'agent');
});
