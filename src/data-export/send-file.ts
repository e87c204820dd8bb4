import type { FastifyReply } from 'fastify';
import type { ExportFile } from './exports.js';

/** A download, never a page: saved under a dated name, not shown, not cached anywhere on the way. */
export function sendExportFile(reply: FastifyReply, file: ExportFile): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}
