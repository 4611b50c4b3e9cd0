import { OptionError } from "../options/errors.js";
import type { AnalyzedGraph, AnalyzedNetwork } from "./types.js";

/**
 * The network `name` picks from an analysed file, or its first network. The one lookup
 * every stage and command uses: an unknown name is an OptionError listing the names there are.
 */
export function pickNetwork(graph: AnalyzedGraph, name?: string): AnalyzedNetwork {
  const found = name === undefined ? graph.networks[0] : graph.networks.find((n) => n.network.name === name);
  if (found) return found;
  // The compiler reports a file without networks, so only a hand-built graph gets here.
  if (graph.networks.length === 0) throw new Error(`${graph.file}: no network to draw`);
  const names = graph.networks.map((n) => n.network.name).join(", ");
  throw new OptionError("network", `no network '${name}' in ${graph.file} (it has ${names})`);
}

/** The file with all its networks, or with only the one `name` picks (an unknown name as in `pickNetwork`). */
export function selectNetworks(graph: AnalyzedGraph, name?: string): AnalyzedGraph {
  return name === undefined ? graph : { ...graph, networks: [pickNetwork(graph, name)] };
}
