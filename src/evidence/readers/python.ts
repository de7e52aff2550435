import { parsePipRequirementsFile, parsePipRequirementsLine, RequirementsSyntaxError } from 'pip-requirements-js';
import { parse as parseToml, TomlError } from 'smol-toml';
import { EvidenceFileInvalid, positionIn, type ExtractedItem, type ReadResult } from './evidence-file';

/** requirements.txt (or constraints, or pip-tools' .in), by pip's own grammar (PEP 508): each project with its line. */
export function readRequirements(file: string, text: string): ReadResult {
  let requirements;
  try {
    requirements = parsePipRequirementsFile(text, { includeLocations: true });
  } catch (error) {
    if (!(error instanceof RequirementsSyntaxError)) throw error;
    const at = /Line (\d+), col (\d+): (.*)$/s.exec(error.message);
    throw new EvidenceFileInvalid(file, `not a valid requirements file: ${at ? at[3].split('\n')[0] : error.message}`, at ? Number(at[1]) : null, at ? Number(at[2]) : null);
  }
  const items: ExtractedItem[] = [];
  for (const { data, location } of requirements) {
    // `-r other.txt` and `-c constraints.txt` name files, read when they are given too.
    if (data.type !== 'ProjectName' && data.type !== 'ProjectURL') continue;
    items.push({ ecosystem: 'pypi', package: data.name.data, file, line: positionIn(text, location.startIdx).line, tool: 'pip' });
  }
  return { items };
}

/** The line of the first occurrence of any of `needles` at or after `from` (a character offset); null when absent. */
function lineOfFirst(text: string, needles: string[], from = 0): number | null {
  const found = needles.map((needle) => text.indexOf(needle, from)).filter((i) => i !== -1);
  return found.length > 0 ? positionIn(text, Math.min(...found)).line : null;
}

const sectionStart = (text: string, header: string) => {
  const match = new RegExp(`^\\s*\\[${header.replace(/[.[\]]/g, '\\$&')}\\]\\s*$`, 'm').exec(text);
  return match ? match.index : 0;
};

/**
 * pyproject.toml: PEP 621 `[project] dependencies` and `optional-dependencies` (extras ship with the package), and
 * Poetry's `[tool.poetry.dependencies]`. Development groups (PEP 735 `dependency-groups`, Poetry's groups) do not ship.
 */
export function readPyproject(file: string, text: string): ReadResult {
  let document: Record<string, any>;
  try {
    document = parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new EvidenceFileInvalid(file, `not valid TOML: ${error.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`, error.line, error.column);
  }
  const items: ExtractedItem[] = [];
  const project = document.project ?? {};
  const specs: { spec: unknown; where: string }[] = [
    ...(Array.isArray(project.dependencies) ? project.dependencies : []).map((spec: unknown, i: number) => ({ spec, where: `project.dependencies[${i}]` })),
    ...Object.entries((project['optional-dependencies'] ?? {}) as Record<string, unknown>).flatMap(([extra, list]) =>
      (Array.isArray(list) ? list : []).map((spec: unknown, i: number) => ({ spec, where: `project.optional-dependencies.${extra}[${i}]` })),
    ),
  ];
  const projectStart = sectionStart(text, 'project');
  for (const { spec, where } of specs) {
    if (typeof spec !== 'string') throw new EvidenceFileInvalid(file, `${where} must be a PEP 508 requirement string`);
    let requirement;
    try {
      requirement = parsePipRequirementsLine(spec);
    } catch {
      throw new EvidenceFileInvalid(file, `${where}: "${spec}" is not a PEP 508 requirement`, lineOfFirst(text, [`"${spec}"`, `'${spec}'`], projectStart));
    }
    if (!requirement || (requirement.type !== 'ProjectName' && requirement.type !== 'ProjectURL')) continue;
    items.push({ ecosystem: 'pypi', package: requirement.name, file, line: lineOfFirst(text, [`"${spec}"`, `'${spec}'`], projectStart) ?? undefined, tool: 'pyproject' });
  }
  const poetry = document.tool?.poetry?.dependencies as Record<string, unknown> | undefined;
  if (poetry) {
    const start = sectionStart(text, 'tool.poetry.dependencies');
    for (const name of Object.keys(poetry)) {
      if (name.toLowerCase() === 'python') continue;
      const line = new RegExp(`^\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`, 'm').exec(text.slice(start));
      items.push({ ecosystem: 'pypi', package: name, file, line: line ? positionIn(text, start + line.index + line[0].search(/\S/)).line : undefined, tool: 'poetry' });
    }
  }
  return { items };
}
