import { Octokit } from '@octokit/rest';
import { GitOpsTree } from '@zero-trust-k8s/plugin-zero-trust-node';

const isNotFound = (e: unknown) => (e as { status?: number }).status === 404;

interface TreeEntry {
  path: string;
  type: string;
  mode: string;
  sha: string;
}

/** A file under a folder: its path relative to the folder, git mode and blob sha. */
export interface FolderFile {
  path: string;
  mode: string;
  sha: string;
}

/**
 * Reads generated trees from one GitHub repository through the Git Data API: a folder's files
 * with their blob shas (how the upgrade tells hand edits apart without downloading anything) and
 * blobs by sha, on demand. The folder is reached one tree at a time from the root, so a large
 * repository never hits the truncation of a recursive listing, and trees are cached, so the
 * services of one repository share the walk.
 */
export class GitHubTreeReader {
  private readonly heads = new Map<string, Promise<string | undefined>>();
  private readonly trees = new Map<string, Promise<TreeEntry[]>>();

  constructor(
    private readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
  ) {}

  /** The tree of the commit at the head of `branch`, or undefined when there is no such branch. */
  private rootTree(branch: string): Promise<string | undefined> {
    let head = this.heads.get(branch);
    if (!head) {
      head = (async () => {
        try {
          const { owner, repo } = this;
          const { data: ref } = await this.octokit.rest.git.getRef({
            owner,
            repo,
            ref: `heads/${branch}`,
          });
          const { data: commit } = await this.octokit.rest.git.getCommit({
            owner,
            repo,
            commit_sha: ref.object.sha,
          });
          return commit.tree.sha;
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw e;
        }
      })();
      this.heads.set(branch, head);
    }
    return head;
  }

  private listTree(sha: string, recursive: boolean): Promise<TreeEntry[]> {
    const key = `${sha}${recursive ? ' -r' : ''}`;
    let entries = this.trees.get(key);
    if (!entries) {
      entries = (async () => {
        const { data } = await this.octokit.rest.git.getTree({
          owner: this.owner,
          repo: this.repo,
          tree_sha: sha,
          ...(recursive ? { recursive: 'true' } : {}),
        });
        if (data.truncated) {
          throw new Error(
            `GitHub truncated the listing of tree ${sha} of ${this.owner}/${this.repo}`,
          );
        }
        return data.tree
          .filter(e => e.path && e.type && e.sha)
          .map(e => ({
            path: e.path!,
            type: e.type!,
            mode: e.mode ?? '',
            sha: e.sha!,
          }));
      })();
      this.trees.set(key, entries);
    }
    return entries;
  }

  /**
   * Every file under `folder` on `branch` with its blob sha, by path relative to the folder;
   * undefined when the branch or the folder does not exist.
   */
  async folder(
    branch: string,
    folder: string,
  ): Promise<Record<string, string> | undefined> {
    const files = await this.folderFiles(await this.rootTree(branch), folder);
    return files && Object.fromEntries(files.map(f => [f.path, f.sha]));
  }

  /**
   * Every file (blob or link) under `folder` of a commit with its mode and blob sha, by path
   * relative to the folder; undefined when the folder does not exist. Throws on a truncated
   * listing instead of returning part of the folder.
   */
  async filesAtCommit(
    commitSha: string,
    folder: string,
  ): Promise<FolderFile[] | undefined> {
    const { data: commit } = await this.octokit.rest.git.getCommit({
      owner: this.owner,
      repo: this.repo,
      commit_sha: commitSha,
    });
    return this.folderFiles(commit.tree.sha, folder);
  }

  /** Walks from a root tree to `folder` one tree at a time, then lists the folder. */
  private async folderFiles(
    rootTree: string | undefined,
    folder: string,
  ): Promise<FolderFile[] | undefined> {
    let sha = rootTree;
    for (const segment of folder.split('/')) {
      if (!sha) return undefined;
      const entry = (await this.listTree(sha, false)).find(
        e => e.path === segment && e.type === 'tree',
      );
      sha = entry?.sha;
    }
    if (!sha) return undefined;
    return (await this.listTree(sha, true))
      .filter(e => e.type === 'blob')
      .map(({ path, mode, sha: blob }) => ({ path, mode, sha: blob }));
  }

  /** A blob's content, or undefined when the repository has no blob with that sha. */
  readBlob = async (sha: string): Promise<Buffer | undefined> => {
    try {
      const { data } = await this.octokit.rest.git.getBlob({
        owner: this.owner,
        repo: this.repo,
        file_sha: sha,
      });
      return Buffer.from(
        data.content,
        data.encoding === 'base64' ? 'base64' : 'utf8',
      );
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  /** The generated tree at `folder` of `branch`, for planning an upgrade. */
  async gitOpsTree(
    branch: string,
    folder: string,
  ): Promise<GitOpsTree | undefined> {
    const files = await this.folder(branch, folder);
    return files && { files, readBlob: this.readBlob };
  }

  /**
   * Stores blobs the repository must have for the next upgrade (the generated content hand-edited
   * files were merged from). Blobs are content-addressed, so a blob already there is not sent.
   */
  async ensureBlobs(blobs: Record<string, string>): Promise<string[]> {
    const created: string[] = [];
    for (const [sha, text] of Object.entries(blobs)) {
      if (await this.readBlob(sha)) continue;
      const { data } = await this.octokit.rest.git.createBlob({
        owner: this.owner,
        repo: this.repo,
        content: Buffer.from(text).toString('base64'),
        encoding: 'base64',
      });
      if (data.sha !== sha) {
        throw new Error(
          `GitHub stored blob ${data.sha} for content whose git sha is ${sha}`,
        );
      }
      created.push(sha);
    }
    return created;
  }
}
