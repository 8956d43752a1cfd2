/**
 * Checks an answer of the API against its own OpenAPI document: the status is documented for the operation, the
 * content type is the documented one, the body validates against the documented schema (JSON Schema 2020-12,
 * which OpenAPI 3.1 uses, by ajv), and, when the answer's headers are given, every documented header that is required
 * is there and every documented header present matches its schema.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

export interface CheckedAnswer {
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
  /** the answer's headers, names in lower case */
  readonly headers?: Readonly<Record<string, string>>;
}

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** every answer checked, by documented operation and status: the test can tell what it covered */
  readonly covered = new Set<string>();

  constructor(private readonly doc: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi.json');
  }

  /** The operation's path template a concrete path matches, if the document has one. */
  template(path: string): string | undefined {
    const segs = path.split('/');
    return Object.keys(this.doc.paths as Json).find((t) => {
      const ts = t.split('/');
      return ts.length === segs.length && ts.every((x, i) => x.startsWith('{') || x === segs[i]);
    });
  }

  /** Throws an Error naming what does not match the document. */
  check(a: CheckedAnswer): void {
    const template = this.template(a.path);
    let where: string;
    if (template) {
      const responses = ((this.doc.paths as Json)[template] as { get: { responses: Json } }).get.responses;
      if (!(String(a.status) in responses))
        throw new Error(
          `${a.path}: status ${a.status} is not documented (documented: ${Object.keys(responses).join(', ')})`,
        );
      where = `#/paths/${pointer(template)}/get/responses/${a.status}`;
    } else {
      // a path with no operation in this role's document: the errors every request can meet, and the 403 of a
      // route the role may not read (its document leaves the route out)
      const byStatus: Record<number, string> = {
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'NotFound',
        429: 'Throttled',
        431: 'HeadersTooLarge',
      };
      const name = byStatus[a.status];
      if (!name)
        throw new Error(`${a.path}: no operation, and status ${a.status} is not an answer of unknown paths`);
      where = `#/components/responses/${name}`;
    }
    let response = this.resolve(where);
    if (typeof response.$ref === 'string') {
      where = response.$ref;
      response = this.resolve(where);
    }
    if (a.headers) this.checkHeaders(a, response.headers as Json | undefined);
    const content = response.content as Json | undefined;
    if (!content) return this.seen(template, a, false);
    const media = Object.keys(content);
    const type = (a.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (!media.includes(type))
      throw new Error(`${a.path} ${a.status}: content type ${a.contentType} is not ${media.join(', ')}`);
    const schemaRef = `openapi.json${where}/content/${pointer(type)}/schema`;
    let validate = this.compiled.get(schemaRef);
    if (!validate) {
      validate = this.ajv.compile({ $ref: schemaRef });
      this.compiled.set(schemaRef, validate);
    }
    const body: unknown = JSON.parse(a.body);
    if (!validate(body))
      throw new Error(
        `${a.path} ${a.status}: body does not match ${where}: ${this.ajv.errorsText(validate.errors)}\n${a.body.slice(0, 500)}`,
      );
    this.seen(template, a, true);
  }

  private checkHeaders(a: CheckedAnswer, documented: Json | undefined): void {
    for (const [name, h] of Object.entries(documented ?? {})) {
      let header = h as Json;
      if (typeof header.$ref === 'string') header = this.resolve(header.$ref);
      const value = a.headers?.[name.toLowerCase()];
      if (value === undefined) {
        if (header.required === true) throw new Error(`${a.path} ${a.status}: no ${name} header`);
        continue;
      }
      const schema = header.schema as Json;
      // a header is text: an integer schema takes the digits of a whole number
      const parsed: unknown = schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      const validate = this.ajv.compile(schema);
      if (!validate(parsed))
        throw new Error(
          `${a.path} ${a.status}: header ${name}: ${value} does not match ${JSON.stringify(schema)}`,
        );
    }
  }

  private seen(template: string | undefined, a: CheckedAnswer, withBody: boolean): void {
    this.covered.add(`${template ?? '(no route)'} ${a.status}${withBody ? '' : ' (no body schema)'}`);
  }

  private resolve(ref: string): Json {
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      node = (node as Json | undefined)?.[key];
    }
    if (!node || typeof node !== 'object') throw new Error(`the document has nothing at ${ref}`);
    return node as Json;
  }
}
