// Health check, the tenant's public face, and tenants resolved from the Host header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, assertProblem, PORT } from './lib.mjs';

// The anonymous tenant answer is the public face only: nothing an operator keeps private.
function assertPublicOnly(json) {
	for (const key of ['id', 'domains', 'keys', 'database', 'shard', 'users', 'companies', 'status', 'default_password']) {
		assert.equal(key in json, false, `GET /tenant exposes ${key}`);
	}
}

test('healthz answers ok with the database up', async () => {
	const res = await request('acme', 'GET', '/api/v1/healthz');
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /^application\/json/);
	assert.deepEqual(res.json, { status: 'ok', database: 'up' });
});

test('GET /tenant for acme gives its name and branding', async () => {
	const res = await request('acme', 'GET', '/api/v1/tenant');
	assert.equal(res.status, 200);
	assert.match(res.headers['content-type'], /^application\/json/);
	assertPublicOnly(res.json);
	assert.equal(res.json.slug, 'acme');
	assert.equal(res.json.name, 'Acme Corporation');
	const { logo, ...rest } = res.json.branding;
	assert.deepEqual(rest, {
		product_name: 'Acme Help Centre',
		issue_word: 'request',
		primary_color: '#c2410c',
		accent_color: '#fff7ed',
	});
	assert.ok(logo.startsWith('data:image/svg+xml;base64,'), `logo: ${logo.slice(0, 40)}`);
	// The logo is a real SVG document, not an empty placeholder.
	const svg = Buffer.from(logo.slice('data:image/svg+xml;base64,'.length), 'base64').toString('utf8');
	assert.match(svg, /<svg[\s>]/);
});

test('GET /tenant for globex gives its own name and branding', async () => {
	const res = await request('globex', 'GET', '/api/v1/tenant');
	assert.equal(res.status, 200);
	assertPublicOnly(res.json);
	assert.equal(res.json.slug, 'globex');
	assert.equal(res.json.name, 'Globex');
	const { logo, ...rest } = res.json.branding;
	assert.deepEqual(rest, {
		product_name: 'Globex Support',
		issue_word: 'case',
		primary_color: '#1d4ed8',
		accent_color: '#eff6ff',
	});
	assert.ok(logo.startsWith('data:'), `logo: ${logo.slice(0, 40)}`);
});

test('an unknown host slug is 404 tenant_not_found', async () => {
	const res = await request('nosuchtenant', 'GET', '/api/v1/tenant');
	assertProblem(res, 404, 'tenant_not_found');
});

test('an unknown tenant cannot sign in', async () => {
	const res = await request('nosuchtenant', 'POST', '/api/v1/auth/login', {
		body: { email: 'agent1@acme.example', password: 'Demo-Pass-1' },
	});
	assertProblem(res, 404, 'tenant_not_found');
});

test('the slug is matched exactly, not as a prefix or in another label', async () => {
	for (const host of [`acmex.localhost:${PORT}`, `xacme.localhost:${PORT}`, `acme.evil.localhost:${PORT}`]) {
		const res = await request('acme', 'GET', '/api/v1/tenant', { host });
		assertProblem(res, 404, 'tenant_not_found');
	}
});

test('the Host header is case-insensitive', async () => {
	const res = await request('acme', 'GET', '/api/v1/tenant', { host: `ACME.LocalHost:${PORT}` });
	assert.equal(res.status, 200);
	assert.equal(res.json.slug, 'acme');
});

test('API answers carry the security headers and are never cached', async () => {
	const login = await request('acme', 'POST', '/api/v1/auth/login', {
		body: { email: 'erin@contoso.example', password: 'Demo-Pass-1' },
	});
	assert.equal(login.status, 200, login.text);
	const me = await request('acme', 'GET', '/api/v1/me', { token: login.json.token });
	const missing = await request('acme', 'GET', '/api/v1/tickets/2147483000', { token: login.json.token });
	for (const res of [login, me, missing]) {
		assert.equal(res.headers['x-content-type-options'], 'nosniff');
		assert.match(String(res.headers['cache-control']), /no-store/);
		assert.equal(res.headers.server, 'nginx', 'no version banner');
	}
});

test('ping answers without a tenant, a token or the database', async () => {
	const res = await request('nosuchtenant', 'GET', '/api/v1/ping');
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json, { status: 'ok' });
	assert.equal(res.headers['cache-control'], 'no-store');
});
