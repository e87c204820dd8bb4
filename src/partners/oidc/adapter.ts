import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Deps } from '../../platform/context.js';
import { clientMetadata } from './clients.js';

type StoreDeps = Pick<Deps, 'db' | 'clock'>;

/**
 * The provider's storage on our own database (both engines): one row per model and id in `oidc_models`. Clients are
 * not stored here — they are the partners registered from the shell (clients.ts).
 */
export function databaseAdapter(deps: StoreDeps): (model: string) => Adapter {
  return (model) => (model === 'Client' ? clientAdapter(deps) : new ModelAdapter(deps, model));
}

class ModelAdapter implements Adapter {
  constructor(
    private readonly deps: StoreDeps,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      expires_at: expiresIn ? this.deps.clock.now() + expiresIn * 1000 : null,
    };
    await this.deps.db
      .insertInto('oidc_models')
      .values({ model: this.model, id, consumed_at: null, ...row })
      .onConflict((conflict) => conflict.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findBy('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy('user_code', userCode);
  }

  /**
   * One conditional update: of several requests redeeming one code or refresh token at once, exactly one sees a
   * row change. The provider checks `consumed` before calling this, but that check and this write are apart, so
   * the losers are refused here.
   */
  async consume(id: string): Promise<void> {
    const result = await this.deps.db
      .updateTable('oidc_models')
      .set({ consumed_at: this.deps.clock.now() })
      .where('model', '=', this.model)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new errors.InvalidGrant('grant request is invalid');
  }

  async destroy(id: string): Promise<void> {
    await this.deps.db.deleteFrom('oidc_models').where('model', '=', this.model).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await revokeGrantArtefacts(this.deps, grantId);
  }

  private async findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    if (typeof value !== 'string' || value.length > 200) return undefined;
    const row = await this.deps.db
      .selectFrom('oidc_models')
      .select(['payload', 'consumed_at', 'expires_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= this.deps.clock.now())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  }
}

/** Every code, token and session-bound artefact of one grant, and the grant itself. */
export async function revokeGrantArtefacts(deps: Pick<Deps, 'db'>, grantId: string): Promise<void> {
  await deps.db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
  await deps.db.deleteFrom('oidc_models').where('model', '=', 'Grant').where('id', '=', grantId).execute();
}

function clientAdapter(deps: StoreDeps): Adapter {
  const readOnly = async () => {
    throw new Error('partner sites are registered with `npm run partner`, never through the provider');
  };
  return {
    find: (id) => clientMetadata(deps, id),
    upsert: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}
