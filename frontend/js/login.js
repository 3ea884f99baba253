// The branded sign-in form, shared by staff and customers.

import { useState } from 'preact/hooks';
import * as api from './api.js';
import { html, Logo, Notice } from './ui.js';

function loginMessage(e) {
	if (e.status === 401) return 'The e-mail address or password is not correct.';
	if (e.status === 429 && e.code === 'too_many_attempts') {
		const after = parseInt(e.headers && e.headers.get('Retry-After'), 10);
		if (after > 0) {
			const wait = after >= 120 ? Math.ceil(after / 60) + ' minutes' : after + (after === 1 ? ' second' : ' seconds');
			return 'Too many failed sign-in attempts. Try again in ' + wait + '.';
		}
		return 'Too many failed sign-in attempts. Please wait a while and try again.';
	}
	return e.detail || e.message;
}

export function Login({ tenant, notice, onSignedIn }) {
	const branding = (tenant && tenant.branding) || {};
	const product = branding.product_name || (tenant && tenant.name) || 'Service Portal';
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);

	async function submit(ev) {
		ev.preventDefault();
		if (busy) return;
		if (!email.trim() || !password) {
			setError('Enter your e-mail address and password.');
			return;
		}
		setBusy(true);
		setError(null);
		try {
			const result = await api.post('/auth/login', { email: email.trim(), password }, { quiet401: true });
			await onSignedIn(result.data);
		} catch (e) {
			setError(loginMessage(e));
			setBusy(false);
		}
	}

	return html`<main class="login-page">
		<div class="login-card">
			<div class="login-brand" data-testid="login-brand">
				<${Logo} branding=${branding} className="login-logo" />
				<h1 data-testid="product-name">${product}</h1>
			</div>
			<div class="login-body">
				<h2>Sign in</h2>
				${notice && !error && html`<${Notice} testid="login-notice">${notice}<//>`}
				<form onSubmit=${submit} novalidate>
					<label class="field">
						<span>E-mail address</span>
						<input type="email" name="email" autocomplete="username" required
							data-testid="login-email" value=${email}
							onInput=${(e) => setEmail(e.currentTarget.value)} />
					</label>
					<label class="field">
						<span>Password</span>
						<input type="password" name="password" autocomplete="current-password" required
							data-testid="login-password" value=${password}
							onInput=${(e) => setPassword(e.currentTarget.value)} />
					</label>
					${error && html`<div class="alert alert-error" role="alert" data-testid="login-error">${error}</div>`}
					<button type="submit" class="btn btn-primary btn-block" data-testid="login-submit"
						disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
				</form>
			</div>
		</div>
		${tenant && tenant.name && html`<p class="login-footer">${tenant.name}</p>`}
	</main>`;
}
