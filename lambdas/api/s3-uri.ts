/** `s3://bucket/some/prefix`, checked once where the configuration is read. */

export interface S3Location {
  readonly bucket: string;
  /** the key prefix with a trailing slash (so that a listing stays inside it), or '' for the whole bucket */
  readonly prefix: string;
  /** the URI as given, without trailing slashes */
  readonly uri: string;
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m?.[1]) throw new Error(`not an S3 URI: ${JSON.stringify(uri)}`);
  const path = (m[2] ?? '').replace(/\/+$/, '');
  return {
    bucket: m[1],
    prefix: path === '' ? '' : `${path}/`,
    uri: `s3://${m[1]}${path ? `/${path}` : ''}`,
  };
}
