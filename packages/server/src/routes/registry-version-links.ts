import type { PromptVersion, RunRecord, RunSummary, SummaryCell } from '@assay/spec';
import type { RegistryStore } from '@assay/store';

/**
 * Links each cell of a run to the registry version it tested: the version whose content hash is
 * the cell's `promptHash` (recorded by `assay eval`; it covers template, model config, schemas,
 * metadata and partials, so a run made from local files identical to a pushed version links to
 * it). Among several such versions (the same content pushed under two names), the one named like
 * the cell's prompt wins, else the most recently pushed. Cells with no match, or no hash (runs made
 * before Assay recorded it), stay as they are.
 *
 * @param options `keep`: leave links already in the summary (reading a stored run); without it
 * every link is recomputed (an upload, whose client cannot vouch for the registry).
 */
export async function linkRegistryVersions(registry: RegistryStore, projectId: string, summary: RunSummary, options: { keep?: boolean } = {}): Promise<RunSummary> {
  const wanted = (cell: SummaryCell) => typeof cell.promptHash === 'string' && !(options.keep && cell.registryVersion);
  const cells = Array.isArray(summary.cells) ? summary.cells.filter((cell): cell is SummaryCell => typeof cell === 'object' && cell !== null) : [];
  const hashes = cells.filter(wanted).map((cell) => cell.promptHash!);
  const versions = hashes.length ? await registry.findPromptVersionsByContentHash(projectId, hashes) : [];
  if (!hashes.length && options.keep) return summary;
  return {
    ...summary,
    cells: cells.map((cell) => {
      if (!wanted(cell)) return cell;
      const { registryVersion: _unverified, ...rest } = cell;
      const chosen = choose(versions.filter((version) => version.contentHash === cell.promptHash), cell.prompt);
      return chosen ? { ...rest, registryVersion: { name: chosen.promptName, version: chosen.version } } : rest;
    }),
  };
}

/** {@link linkRegistryVersions} on a stored run, whose summary may be of an older shape. */
export async function withRegistryVersions(registry: RegistryStore, projectId: string, run: RunRecord): Promise<RunRecord> {
  const summary = run.summary as RunSummary | undefined;
  if (typeof summary !== 'object' || summary === null || !Array.isArray(summary.cells)) return run;
  return { ...run, summary: await linkRegistryVersions(registry, projectId, summary, { keep: true }) };
}

function choose(matches: PromptVersion[], prompt: string): PromptVersion | undefined {
  return matches.find((version) => version.promptName === prompt) ?? matches.reduce<PromptVersion | undefined>((newest, version) => (!newest || version.createdAt > newest.createdAt ? version : newest), undefined);
}
