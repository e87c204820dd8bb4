import type { Deps } from '../platform/context.js';
import { firstName } from '../platform/web/page-routes.js';
import { agentInOpenWindow } from './store.js';

/**
 * "Are you talking to us?" on Your Account: while an agent has verified this customer as a caller, the page names
 * them; otherwise it says plainly that we are not calling, so a fraudster phoning as "support" can be checked
 * against the customer's own screen.
 */
export async function supportCallLine(deps: Deps, accountId: string): Promise<string> {
  const agent = await agentInOpenWindow(deps.db, accountId, deps.clock.now());
  return agent
    ? `You are talking to ${firstName(agent.name)} from ${deps.config.storeName} support`
    : `We are not calling you. If someone on the phone says they are ${deps.config.storeName} support, hang up and contact us yourself.`;
}

export function SupportCallLine({ line }: { line: string }) {
  return (
    <p class="support-call" id="support-call">
      <strong>Are you talking to us?</strong> {line}
    </p>
  );
}
