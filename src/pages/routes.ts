import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/context.js';

export function registerPages(app: FastifyInstance, deps: Deps): void {
  void app;
  void deps;
}
