import Foundation

/// Networks for Gephi, igraph, networkx and spreadsheets: GraphML, GEXF 1.3, or CSV node and edge
/// lists. Each state of a tie is one edge with the day it began (`start`) and the day after it
/// ended (`end`, absent while it lasts), so Gephi's timeline plays the network's change. Node ids
/// are `network/member`, so networks exported together (`--all`) stay apart.
public enum NetworkExport {
  public enum Format: String, CaseIterable, Sendable, TypedName {
    case graphml, gexf, csv

    public static let what = "network format"
  }

  static func nodeID(_ network: String, _ member: String) -> String { network + "/" + member }

  private static func escape(_ text: String) -> String {
    XMLWriter.escape(text, attribute: true)
  }

  private static func number(_ value: Bool) -> String { value ? "true" : "false" }

  /// The GraphML document: directed edges (`direction` says whether a tie has a direction,
  /// `none`, or runs both ways, `mutual`).
  public static func graphML(_ networks: [NetworkHistory]) -> String {
    let nodeKeys = [
      ("network", "string"), ("member", "string"), ("role", "string"), ("formal", "boolean"),
      ("initiative", "string"), ("since", "string"), ("focal", "boolean"),
      ("withheld", "boolean"),
    ]
    let edgeKeys = [
      ("kind", "string"), ("strength", "int"), ("direction", "string"), ("start", "string"),
      ("end", "string"), ("tie", "string"),
    ]
    var out = """
      <?xml version="1.0" encoding="UTF-8"?>
      <graphml xmlns="http://graphml.graphdrawing.org/xmlns" \
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
      xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns \
      http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">

      """
    for (name, type) in nodeKeys {
      out += "  <key id=\"n_\(name)\" for=\"node\" attr.name=\"\(name)\" attr.type=\"\(type)\"/>\n"
    }
    for (name, type) in edgeKeys {
      out += "  <key id=\"e_\(name)\" for=\"edge\" attr.name=\"\(name)\" attr.type=\"\(type)\"/>\n"
    }
    out += "  <graph id=\"fieldlog\" edgedefault=\"directed\">\n"
    func data(_ key: String, _ value: String?) -> String {
      value.map { "      <data key=\"\(key)\">\(escape($0))</data>\n" } ?? ""
    }
    for network in networks {
      for member in network.members {
        out += "    <node id=\"\(escape(nodeID(network.network, member.id)))\">\n"
        out += data("n_network", network.network) + data("n_member", member.id)
        out += data("n_role", member.role) + data("n_formal", number(member.formal))
        out += data("n_initiative", member.initiative) + data("n_since", member.since)
        out += data("n_focal", number(member.focal)) + data("n_withheld", number(member.withheld))
        out += "    </node>\n"
      }
    }
    for network in networks {
      for (index, period) in network.periods.enumerated() {
        out += "    <edge id=\"\(escape(network.network))/e\(index + 1)\" "
        out += "source=\"\(escape(nodeID(network.network, period.from)))\" "
        out += "target=\"\(escape(nodeID(network.network, period.to)))\">\n"
        out += data("e_kind", period.kind) + data("e_strength", String(period.strength))
        out += data("e_direction", period.direction) + data("e_start", period.start)
        out += data("e_end", period.end) + data("e_tie", period.tie)
        out += "    </edge>\n"
      }
    }
    out += "  </graph>\n</graphml>\n"
    return out
  }

  /// The GEXF 1.3 document, dynamic by day: nodes from the day they joined, edges for each
  /// state of a tie with its `start` and `end`.
  public static func gexf(_ networks: [NetworkHistory], study: String) -> String {
    var out = """
      <?xml version="1.0" encoding="UTF-8"?>
      <gexf xmlns="http://gexf.net/1.3" version="1.3">
        <meta>
          <creator>fieldlog</creator>
          <description>\(escape(study))</description>
        </meta>
        <graph mode="dynamic" defaultedgetype="directed" timeformat="date">
          <attributes class="node">
            <attribute id="0" title="network" type="string"/>
            <attribute id="1" title="role" type="string"/>
            <attribute id="2" title="formal" type="boolean"/>
            <attribute id="3" title="initiative" type="string"/>
            <attribute id="4" title="focal" type="boolean"/>
            <attribute id="5" title="withheld" type="boolean"/>
          </attributes>
          <attributes class="edge">
            <attribute id="0" title="kind" type="string"/>
            <attribute id="1" title="direction" type="string"/>
            <attribute id="2" title="tie" type="string"/>
          </attributes>
          <nodes>

      """
    for network in networks {
      for member in network.members {
        out += "        <node id=\"\(escape(nodeID(network.network, member.id)))\" "
        out += "label=\"\(escape(member.id))\""
        out += member.since.map { " start=\"\($0)\"" } ?? ""
        out += ">\n          <attvalues>\n"
        let values: [(Int, String?)] = [
          (0, network.network), (1, member.role), (2, number(member.formal)),
          (3, member.initiative), (4, number(member.focal)), (5, number(member.withheld)),
        ]
        for case (let id, let value?) in values {
          out += "            <attvalue for=\"\(id)\" value=\"\(escape(value))\"/>\n"
        }
        out += "          </attvalues>\n        </node>\n"
      }
    }
    out += "      </nodes>\n      <edges>\n"
    for network in networks {
      for (index, period) in network.periods.enumerated() {
        // A tie without a direction is written as a directed edge, as in GraphML, with `none` in
        // its direction attribute: networkx refuses an undirected edge in a directed graph.
        let type = period.direction == "mutual" ? " type=\"mutual\"" : ""
        out += "        <edge id=\"\(escape(network.network))/e\(index + 1)\" "
        out += "source=\"\(escape(nodeID(network.network, period.from)))\" "
        out += "target=\"\(escape(nodeID(network.network, period.to)))\"\(type) "
        out += "weight=\"\(period.strength)\" start=\"\(period.start)\""
        out += period.end.map { " endopen=\"\($0)\"" } ?? ""
        out += ">\n          <attvalues>\n"
        for (id, value) in [(0, period.kind), (1, period.direction), (2, period.tie)] {
          out += "            <attvalue for=\"\(id)\" value=\"\(escape(value))\"/>\n"
        }
        out += "          </attvalues>\n        </edge>\n"
      }
    }
    out += "      </edges>\n    </graph>\n  </gexf>\n"
    return out
  }

  public static let nodeColumns = [
    "id", "network", "member", "role", "formal", "initiative", "since", "focal", "withheld",
  ]
  public static let edgeColumns = [
    "source", "target", "network", "kind", "strength", "direction", "start", "end", "tie",
  ]

  /// The node list and the edge list, as CSV (RFC 4180, with a header row).
  public static func csv(_ networks: [NetworkHistory]) -> (nodes: String, edges: String) {
    var nodes = [nodeColumns]
    var edges = [edgeColumns]
    for network in networks {
      for member in network.members {
        nodes.append([
          nodeID(network.network, member.id), network.network, member.id, member.role,
          number(member.formal), member.initiative ?? "", member.since ?? "",
          number(member.focal), number(member.withheld),
        ])
      }
      for period in network.periods {
        edges.append([
          nodeID(network.network, period.from), nodeID(network.network, period.to),
          network.network, period.kind, String(period.strength), period.direction, period.start,
          period.end ?? "", period.tie,
        ])
      }
    }
    return (CSV.write(nodes), CSV.write(edges))
  }
}
