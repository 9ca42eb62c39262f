import { createHash } from 'crypto';
import { http, HttpResponse } from 'msw';

/**
 * An in-memory GitHub repository behind msw handlers, answering the Git Data and Pulls endpoints
 * with the fields of GitHub's documented responses. It keeps state, so a second run sees the
 * branch and pull request of the first, and records every request for assertions.
 */
export class FakeGitHub {
  readonly requests: { method: string; path: string; body?: any }[] = [];
  readonly refs = new Map<string, string>();
  readonly commits = new Map<
    string,
    { tree: string; parents: string[]; message: string }
  >();
  readonly trees = new Map<string, Map<string, string>>();
  readonly blobs = new Map<string, Buffer>();
  readonly pulls: {
    number: number;
    head: string;
    base: string;
    title: string;
    body: string;
    draft: boolean;
  }[] = [];
  authorization: string | null = null;

  constructor(
    readonly owner: string,
    readonly repo: string,
    files: Record<string, string> = { 'README.md': '# gitops\n' },
  ) {
    const tree = this.storeTree(
      new Map(
        Object.entries(files).map(([p, c]) => [
          p,
          this.storeBlob(Buffer.from(c)),
        ]),
      ),
    );
    const sha = this.hash({ tree, parents: [], message: 'initial' });
    this.commits.set(sha, { tree, parents: [], message: 'initial' });
    this.refs.set('heads/main', sha);
  }

  private hash(value: unknown): string {
    return createHash('sha1').update(JSON.stringify(value)).digest('hex');
  }

  private storeBlob(content: Buffer): string {
    const sha = createHash('sha1')
      .update(`blob ${content.length}\0`)
      .update(content)
      .digest('hex');
    this.blobs.set(sha, content);
    return sha;
  }

  private storeTree(entries: Map<string, string>): string {
    const sha = this.hash([...entries].sort());
    this.trees.set(sha, entries);
    return sha;
  }

  /** The files on a branch, as text. */
  filesOn(branch: string): Record<string, string> {
    const head = this.refs.get(`heads/${branch}`)!;
    const tree = this.trees.get(this.commits.get(head)!.tree)!;
    return Object.fromEntries(
      [...tree].map(([p, sha]) => [p, this.blobs.get(sha)!.toString('utf8')]),
    );
  }

  /** Simulates someone else pushing to a branch. */
  push(branch: string, files: Record<string, string>) {
    const head = this.refs.get(`heads/${branch}`)!;
    const entries = new Map(this.trees.get(this.commits.get(head)!.tree)!);
    for (const [p, c] of Object.entries(files)) {
      entries.set(p, this.storeBlob(Buffer.from(c)));
    }
    const tree = this.storeTree(entries);
    const sha = this.hash({ tree, parents: [head], message: 'push' });
    this.commits.set(sha, { tree, parents: [head], message: 'push' });
    this.refs.set(`heads/${branch}`, sha);
  }

  /** Requests as `METHOD /path` lines, without the repository prefix. */
  calls(): string[] {
    return this.requests.map(r => `${r.method} ${r.path}`);
  }

  handlers() {
    const base = `https://api.github.com/repos/${this.owner}/${this.repo}`;
    const record = async (request: Request, body = false) => {
      this.authorization = request.headers.get('authorization');
      const url = new URL(request.url);
      const entry = {
        method: request.method,
        path: decodeURIComponent(url.pathname).replace(
          `/repos/${this.owner}/${this.repo}`,
          '',
        ),
        body: body ? await request.json() : undefined,
      };
      this.requests.push(entry);
      return entry;
    };
    const notFound = () =>
      HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    const refBody = (ref: string, sha: string) => ({
      ref: `refs/${ref}`,
      node_id: 'REF_1',
      url: `${base}/git/refs/${ref}`,
      object: { sha, type: 'commit', url: `${base}/git/commits/${sha}` },
    });

    return [
      http.get(base, async ({ request }) => {
        await record(request);
        return HttpResponse.json({
          id: 1,
          name: this.repo,
          full_name: `${this.owner}/${this.repo}`,
          default_branch: 'main',
          private: true,
        });
      }),
      http.get(`${base}/git/ref/*`, async ({ request }) => {
        const { path } = await record(request);
        const ref = path.replace('/git/ref/', '');
        const sha = this.refs.get(ref);
        return sha ? HttpResponse.json(refBody(ref, sha)) : notFound();
      }),
      http.get(`${base}/git/commits/:sha`, async ({ request, params }) => {
        await record(request);
        const commit = this.commits.get(String(params.sha));
        if (!commit) return notFound();
        return HttpResponse.json({
          sha: params.sha,
          tree: { sha: commit.tree, url: `${base}/git/trees/${commit.tree}` },
          parents: commit.parents.map(sha => ({ sha })),
          message: commit.message,
        });
      }),
      http.get(`${base}/git/trees/:sha`, async ({ request, params }) => {
        await record(request);
        const tree = this.trees.get(String(params.sha));
        if (!tree) return notFound();
        return HttpResponse.json({
          sha: params.sha,
          truncated: false,
          tree: [...tree].map(([path, sha]) => ({
            path,
            mode: '100644',
            type: 'blob',
            sha,
            size: this.blobs.get(sha)!.length,
          })),
        });
      }),
      http.post(`${base}/git/blobs`, async ({ request }) => {
        const { body } = await record(request, true);
        const sha = this.storeBlob(Buffer.from(body.content, body.encoding));
        return HttpResponse.json(
          { sha, url: `${base}/git/blobs/${sha}` },
          { status: 201 },
        );
      }),
      http.post(`${base}/git/trees`, async ({ request }) => {
        const { body } = await record(request, true);
        const entries = new Map(this.trees.get(body.base_tree) ?? []);
        for (const e of body.tree) {
          entries.set(e.path, e.sha);
        }
        const sha = this.storeTree(entries);
        return HttpResponse.json({ sha, truncated: false }, { status: 201 });
      }),
      http.post(`${base}/git/commits`, async ({ request }) => {
        const { body } = await record(request, true);
        const sha = this.hash(body);
        this.commits.set(sha, {
          tree: body.tree,
          parents: body.parents,
          message: body.message,
        });
        return HttpResponse.json(
          { sha, tree: { sha: body.tree }, message: body.message },
          { status: 201 },
        );
      }),
      http.post(`${base}/git/refs`, async ({ request }) => {
        const { body } = await record(request, true);
        const ref = String(body.ref).replace(/^refs\//, '');
        if (this.refs.has(ref)) {
          return HttpResponse.json(
            { message: 'Reference already exists' },
            { status: 422 },
          );
        }
        this.refs.set(ref, body.sha);
        return HttpResponse.json(refBody(ref, body.sha), { status: 201 });
      }),
      http.patch(`${base}/git/refs/*`, async ({ request }) => {
        const { path, body } = await record(request, true);
        const ref = path.replace('/git/refs/', '');
        const head = this.refs.get(ref);
        if (!head) return notFound();
        if (
          !body.force &&
          !this.commits.get(body.sha)?.parents.includes(head)
        ) {
          return HttpResponse.json(
            { message: 'Update is not a fast forward' },
            { status: 422 },
          );
        }
        this.refs.set(ref, body.sha);
        return HttpResponse.json(refBody(ref, body.sha));
      }),
      http.get(`${base}/pulls`, async ({ request }) => {
        await record(request);
        const url = new URL(request.url);
        const head = url.searchParams.get('head')?.split(':')[1];
        return HttpResponse.json(
          this.pulls
            .filter(p => p.head === head)
            .map(p => ({
              number: p.number,
              state: 'open',
              title: p.title,
              html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
              head: { ref: p.head },
              base: { ref: p.base },
            })),
        );
      }),
      http.post(`${base}/pulls`, async ({ request }) => {
        const { body } = await record(request, true);
        const number = this.pulls.length + 1;
        this.pulls.push({ number, ...body });
        return HttpResponse.json(
          {
            number,
            state: 'open',
            html_url: `https://github.com/${this.owner}/${this.repo}/pull/${number}`,
          },
          { status: 201 },
        );
      }),
    ];
  }
}
