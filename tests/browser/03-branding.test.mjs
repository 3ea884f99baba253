// Each tenant's portal looks like that tenant: product name, logo, colours
// and the word it uses for an issue. A host with no tenant gets a neutral page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, watchErrors, signIn, PORT } from './lib.mjs';

let browser;

before(async () => {
	browser = await launch();
});

after(async () => {
	if (browser) await browser.close();
});

const TENANTS = [
	{
		slug: 'acme', product: 'Acme Help Centre', name: 'Acme Corporation',
		primary: 'rgb(194, 65, 12)', primaryHex: '#c2410c', accent: 'rgb(255, 247, 237)',
		customer: 'carol@northwind.example', many: 'My requests', one: 'New request',
	},
	{
		slug: 'globex', product: 'Globex Support', name: 'Globex',
		primary: 'rgb(29, 78, 216)', primaryHex: '#1d4ed8', accent: 'rgb(239, 246, 255)',
		customer: 'peter@initech.example', many: 'My cases', one: 'New case',
	},
];

const bg = (locator) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);

for (const t of TENANTS) {
	test(`${t.slug}'s sign-in page and portal carry its branding`, async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		const errors = watchErrors(page);
		errors.expect(/^\/api\/v1\/me$/);
		await page.goto(`http://${t.slug}.localhost:${PORT}/`);
		await page.getByTestId('login-submit').waitFor();

		assert.equal(await page.title(), t.product);
		assert.equal(await page.getByTestId('product-name').innerText(), t.product);
		assert.equal(
			await page.evaluate(() => document.documentElement.style.getPropertyValue('--brand-primary')),
			t.primaryHex,
		);
		assert.equal(await bg(page.getByTestId('login-brand')), t.primary);
		assert.equal(await bg(page.getByTestId('login-submit')), t.primary);
		assert.equal(await bg(page.locator('.login-page')), t.accent);
		const logo = page.getByTestId('brand-logo');
		assert.equal(await logo.count(), 1);
		assert.match(await logo.getAttribute('src'), /^data:image\//);
		assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the logo did not load');

		await signIn(page, t.slug, t.customer);
		assert.equal(await page.getByTestId('product-name').innerText(), t.product);
		assert.equal(await bg(page.getByTestId('portal-header')), t.primary);
		assert.equal(await page.getByTestId('nav-my-issues').innerText(), t.many);
		assert.equal(await page.getByTestId('page-title').innerText(), t.many);
		assert.equal(await page.getByTestId('nav-new-issue').innerText(), t.one);
		assert.equal(await page.getByTestId('new-ticket-button').innerText(), t.one);
		await page.getByTestId('new-ticket-button').click();
		// The form's page has rendered (the click changes the route, the page follows).
		await page.getByTestId('new-ticket-submit').waitFor();
		assert.equal(await page.getByTestId('page-title').innerText(), t.one);
		assert.equal(await page.getByTestId('new-ticket-submit').innerText(), t.one.replace('New', 'Send'));

		errors.assertClean();
		await context.close();
	});
}

test('a host without a tenant gets the neutral landing page', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/tenant$/);
	await page.goto(`http://nosuchtenant.localhost:${PORT}/`);
	await page.getByTestId('landing').waitFor();
	assert.equal(await page.title(), 'Service Portal');
	assert.equal(await page.locator('h1').innerText(), 'Service Portal');
	assert.equal(await page.getByTestId('landing-example').innerText(), `<slug>.localhost:${PORT}`);
	assert.equal(await page.getByTestId('login-email').count(), 0);
	errors.assertClean();
	await context.close();
});

test('wrong credentials get a clear message and signing out returns to the form', async () => {
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = watchErrors(page);
	errors.expect(/^\/api\/v1\/me$/);
	errors.expect(/^\/api\/v1\/auth\/login$/);
	await page.goto(`http://globex.localhost:${PORT}/`);
	await page.getByTestId('login-email').fill('gavin@hooli.example');
	await page.getByTestId('login-password').fill('not-the-password');
	await page.getByTestId('login-submit').click();
	await page.getByTestId('login-error').waitFor();
	assert.equal(await page.getByTestId('login-error').innerText(), 'The e-mail address or password is not correct.');

	await page.getByTestId('login-password').fill('Demo-Pass-1');
	await page.getByTestId('login-submit').click();
	await page.getByTestId('user-name').waitFor();
	assert.equal(await page.getByTestId('user-company').innerText(), 'Hooli');

	await page.getByTestId('sign-out').click();
	await page.getByTestId('login-notice').waitFor();
	assert.equal(await page.getByTestId('login-notice').innerText(), 'You have signed out.');
	// The session is really gone: a reload shows the form again.
	await page.reload();
	await page.getByTestId('login-submit').waitFor();
	assert.equal(await page.getByTestId('user-name').count(), 0);
	errors.assertClean();
	await context.close();
});
