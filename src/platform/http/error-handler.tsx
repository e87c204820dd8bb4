import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { renderPage, type Chrome } from '../web/layout.js';

/**
 * One error shape for the API — `{"error": {"code", "message", "fields"?}}` — and a plain page for browsers.
 * Fastify's own parsing errors get stable codes too. A 5xx says nothing about its cause; the log has it. The
 * page wears `chrome` with nobody in its header: an error page does not know who is asking.
 */
export function installErrorHandler(app: FastifyInstance, chrome: Chrome): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const known = toAppError(error);
    if (!known) request.log.error({ err: error }, 'unhandled error');
    const appError = known ?? new AppError(500, 'internal', 'Something went wrong on our side. Please try again.');
    return sendError(request, reply, appError, chrome);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError(404, 'not_found', "We couldn't find that page."), chrome),
  );
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError, chrome: Chrome): FastifyReply {
  reply.code(error.status);
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  if (wantsJson(request)) {
    return reply.send({ error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } });
  }
  return reply
    .type('text/html; charset=utf-8')
    .send(renderPage({ title: titleFor(error.status) }, (
      <section class="card narrow">
        <h1>{titleFor(error.status)}</h1>
        <p>{error.message}</p>
        <p>
          <a href="/">Go to the home page</a>
        </p>
      </section>
    ), chrome));
}

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url.startsWith('/healthz');
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 429) return 'Please wait a moment';
  if (status >= 500) return 'Something went wrong';
  return 'We could not do that';
}

function toAppError(error: FastifyError | AppError): AppError | undefined {
  if (error instanceof AppError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'request.too_large', 'The request is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'request.unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'request.malformed_json', 'The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError(400, 'request.malformed_json', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(400, 'request.malformed', 'The request is malformed.');
  }
  if (error instanceof SyntaxError || (error as FastifyError).statusCode === 400) {
    return new AppError(400, 'request.malformed', 'The request is malformed.');
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return new AppError(status, 'request.rejected', 'The request could not be processed.');
  return undefined;
}
