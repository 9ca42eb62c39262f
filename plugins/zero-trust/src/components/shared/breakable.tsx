import { Fragment, ReactNode } from 'react';

/**
 * Characters after which a long name may wrap: the separators of Kubernetes names and
 * `namespace/name`, image references, package URLs, versions and entity references.
 */
const AFTER_SEPARATOR = /(?<=[/.\-:@?&=+~_,])/;

/**
 * A name that wraps only at its separators: a `<wbr>` after each one, so a narrow column breaks
 * `online-boutique/adservice-66bfb7c599` into `online-boutique/` and `adservice-66bfb7c599`, never
 * letter by letter. Copying the text and its accessible name are unchanged.
 */
export function breakable(text: string): ReactNode {
  const parts = text.split(AFTER_SEPARATOR);
  if (parts.length === 1) return text;
  return parts.map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}
