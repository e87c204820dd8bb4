import type Provider from 'oidc-provider';
import type { Config } from '../../config.js';
import type { Deps } from '../../platform/context.js';

/**
 * The running provider and the app's own deps, for work that starts inside another feature's transaction (securing
 * the account, a support lock) and must reach the provider after it. Keyed by the app's config object, which every
 * copy of its deps shares (a transaction's too), so several apps in one process (tests) never see each other's.
 */
export interface RunningProvider {
  provider: Provider;
  deps: Deps;
}

const running = new WeakMap<Config, RunningProvider>();

export function rememberProvider(deps: Deps, provider: Provider): void {
  running.set(deps.config, { provider, deps });
}

export function runningProvider(config: Config): RunningProvider | undefined {
  return running.get(config);
}
