// The shell: finds the tenant from the host, signs the user in, then hands
// over to the agent desk (staff) or the branded portal (customers).

import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, applyBranding, Loading } from './ui.js';
import { Login } from './login.js';
import { Desk } from './desk.js';
import { Portal } from './portal.js';

const STAFF_ROLES = ['admin', 'manager', 'agent'];

function Landing() {
	const port = location.port ? ':' + location.port : '';
	return html`<main class="landing" data-testid="landing">
		<div class="landing-card">
			<h1>Service Portal</h1>
			<p>This address does not belong to any organisation.</p>
			<p>Open your organisation's own address instead:${' '}
				<code data-testid="landing-example">${'<slug>.localhost' + port}</code>,
				for example <a href=${location.protocol + '//acme.localhost' + port + '/'}>${'acme.localhost' + port}</a>.</p>
		</div>
	</main>`;
}

function Failure({ error, onRetry }) {
	return html`<main class="landing" data-testid="startup-error">
		<div class="landing-card">
			<h1>Service Portal</h1>
			<p class="alert alert-error" role="alert">${error.detail || error.message}</p>
			<button class="btn btn-primary" onClick=${onRetry}>Try again</button>
		</div>
	</main>`;
}

function App() {
	const [phase, setPhase] = useState('loading');
	const [tenant, setTenant] = useState(null);
	const [session, setSession] = useState(null); // {user, tenant}
	const [error, setError] = useState(null);
	const [loginNotice, setLoginNotice] = useState(null);

	const start = useCallback(async () => {
		setPhase('loading');
		setError(null);
		let t;
		try {
			t = (await api.get('/tenant', { quiet401: true })).data;
		} catch (e) {
			if (e.status === 404) {
				applyBranding(null);
				document.title = 'Service Portal';
				setPhase('no-tenant');
			} else {
				setError(e);
				setPhase('error');
			}
			return;
		}
		setTenant(t);
		applyBranding(t.branding);
		document.title = (t.branding && t.branding.product_name) || t.name || 'Service Portal';
		try {
			const me = (await api.get('/me', { quiet401: true })).data;
			api.setCsrfToken(me.csrf_token);
			setSession({ user: me.user, tenant: { ...t, ...(me.tenant || {}) } });
			setPhase('ready');
		} catch (e) {
			if (e.status === 401) {
				setPhase('login');
			} else {
				setError(e);
				setPhase('error');
			}
		}
	}, []);

	useEffect(() => {
		api.setUnauthorizedHandler(() => {
			api.setCsrfToken(null);
			setSession(null);
			setLoginNotice('Your session has ended. Please sign in again.');
			setPhase('login');
		});
		start();
	}, [start]);

	const onSignedIn = useCallback(async (login) => {
		api.setCsrfToken(login.csrf_token);
		let next = { user: login.user, tenant };
		try {
			const me = (await api.get('/me', { quiet401: true })).data;
			if (me.csrf_token) api.setCsrfToken(me.csrf_token);
			next = { user: me.user, tenant: { ...tenant, ...(me.tenant || {}) } };
		} catch (e) {
			// The login answer already carries the user; settings fall back to defaults.
		}
		setLoginNotice(null);
		setSession(next);
		setPhase('ready');
	}, [tenant]);

	const onSignOut = useCallback(async () => {
		try {
			await api.post('/auth/logout', undefined, { quiet401: true });
		} catch (e) {
			// Already signed out or the server is away: the local session ends anyway.
		}
		api.setCsrfToken(null);
		setSession(null);
		setLoginNotice('You have signed out.');
		setPhase('login');
		history.replaceState(null, '', location.pathname);
	}, []);

	switch (phase) {
	case 'loading':
		return html`<main class="landing"><${Loading} /></main>`;
	case 'no-tenant':
		return html`<${Landing} />`;
	case 'error':
		return html`<${Failure} error=${error} onRetry=${start} />`;
	case 'login':
		return html`<${Login} tenant=${tenant} notice=${loginNotice} onSignedIn=${onSignedIn} />`;
	default: {
		const props = { user: session.user, tenant: session.tenant || tenant, onSignOut };
		return STAFF_ROLES.includes(session.user.role)
			? html`<${Desk} ...${props} />`
			: html`<${Portal} ...${props} />`;
	}
	}
}

render(html`<${App} />`, document.getElementById('app'));
