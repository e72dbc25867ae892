"""BPMN 2.0 export of an SOP: a process model a BPMN modeler (bpmn.io, Camunda Modeler) opens.

The model is one collaboration with one participant (the unit running the SOP) whose process
has one lane per role (pelaksana). Steps map to BPMN like this:

- start, process and end steps are user tasks performed by their role: the SOP document treats
  its terminator rows as activities, so a start event comes before the first step (and before
  every ``entry`` step, where linked cases start) and an end event after every end step;
- a decision is a user task followed by an exclusive gateway in the same lane. The gateway
  alone could not carry what Trantib offers the officer: a task with a role, a due time and
  fields to record (e.g. the result of a field check). The task decides; the gateway only
  routes, its outgoing flows named by the branch labels;
- a wait is an intermediate timer catch event whose ``timeDuration`` is the deadline's upper
  bound as ISO 8601 (``P7D``, ``PT4H``);
- a repeat is a user task with parallel multi-instance characteristics: every scheduled
  occurrence (each daily patrol) is offered at once, and the flow goes on when all are done;
- a sub-procedure is a call activity whose ``calledElement`` is the other SOP's code (the
  process id of that SOP's own export); ``for_each`` makes it multi-instance.

Every task documents its activity text and Mutu Baku (Kelengkapan, Waktu, Output, Keterangan);
``extensionElements`` repeat the time standard in machine-readable form. Counting on working
days cannot be said in ISO 8601, so the extension marks such durations ``working="true"``.

The diagram (BPMNDI) lays the lanes out as horizontal bands in the roles' order and gives
every node a column of its own, left to right in step order. Since a column holds one node,
vertical edge segments run in the gaps between columns and long or backward edges run along a
channel at the top (forward) or bottom (back) of the target's lane, so no edge crosses a node.

Limits: the export describes the procedure; it is not meant to be executed by a BPMN engine
(``isExecutable="false"``): gateways have no conditions, the officer chooses the branch.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from trantib.core.text import XML_INVALID
from trantib.engine.spec import SOPSpec, Step, StepKind
from trantib.engine.timing import CalendarKind, TimeStandard, TimeUnit

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
TRANTIB_NS = "urn:trantib:sop:bpmn:1"
TARGET_NS = "urn:trantib:sop"

_PREFIXES = {
    "bpmn": BPMN_NS,
    "bpmndi": BPMNDI_NS,
    "dc": DC_NS,
    "di": DI_NS,
    "xsi": XSI_NS,
    "trantib": TRANTIB_NS,
}
for _prefix, _uri in _PREFIXES.items():
    ET.register_namespace(_prefix, _uri)

# Layout, in diagram units (pixels in bpmn.io).
POOL_X = 20
POOL_Y = 20
POOL_HEADER = 30  # the participant's name band
LANE_HEADER = 30  # each lane's name band
LANE_MIN_HEIGHT = 180
LANE_PADDING = 50  # above and below the tallest node: edge channels and event labels
COLUMN = 200  # one node per column
MARGIN = 40
TASK_WIDTH = 150
CHARS_PER_LINE = 20  # what fits across a task at the modelers' 12 px font
LINE_HEIGHT = 15
LABEL_WIDTH = 120  # the label under an event or gateway
LABEL_CHARS = 18
SIZES = {
    "userTask": (TASK_WIDTH, 80),
    "callActivity": (TASK_WIDTH, 80),
    "exclusiveGateway": (50, 50),
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
}

# Characters XML 1.0 cannot hold even escaped; a YAML string may contain them.


def _b(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _t(tag: str) -> str:
    return f"{{{TRANTIB_NS}}}{tag}"


def _clean(text: str) -> str:
    return XML_INVALID.sub("", text)


def iso_duration(standard: TimeStandard) -> str:
    """The upper bound of a time standard as an ISO 8601 duration; "" without a deadline.

    "3-4 jam" → PT4H, "7 hari" → P7D, "15 menit" → PT15M, "7x24 jam" → P7D.
    """
    if not standard.has_deadline or standard.unit is None:
        return ""
    n = standard.high
    if standard.unit is TimeUnit.MINUTE:
        return f"PT{n}M"
    if standard.unit is TimeUnit.HOUR:
        return f"P{n // 24}D" if standard.clock and n % 24 == 0 else f"PT{n}H"
    if standard.unit is TimeUnit.DAY:
        return f"P{n}D"
    return f"P{n}W"


def _counts_working_time(spec: SOPSpec, standard: TimeStandard) -> bool:
    if standard.clock:
        return False
    return standard.working or spec.calendar.kind is CalendarKind.WORKING


@dataclass
class _Node:
    id: str
    tag: str
    lane: str  # role id
    name: str = ""
    step: Step | None = None
    column: int = 0
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        """Tasks grow downwards so that the whole name shows, as the modelers wrap it."""
        width, height = SIZES[self.tag]
        if self.tag in ("userTask", "callActivity"):
            lines = sum(
                len(textwrap.wrap(part, CHARS_PER_LINE)) or 1 for part in self.name.splitlines()
            )
            lines = max(lines, 1)
            height = max(height, lines * LINE_HEIGHT + 20)
        return width, height


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str = ""
    loop: bool = False


@dataclass
class _Graph:
    nodes: list[_Node] = field(default_factory=list)
    flows: list[_Flow] = field(default_factory=list)
    by_id: dict[str, _Node] = field(default_factory=dict)
    entry_of: dict[str, str] = field(default_factory=dict)  # step id → node a flow enters
    exit_of: dict[str, str] = field(default_factory=dict)  # step id → node flows leave

    def add(self, node: _Node) -> _Node:
        node.column = len(self.nodes)
        self.nodes.append(node)
        self.by_id[node.id] = node
        return node

    def connect(self, source: str, target: str, name: str = "", *, loop: bool = False) -> None:
        flow = _Flow(f"Flow_{len(self.flows) + 1}", source, target, name, loop)
        self.flows.append(flow)
        self.by_id[source].outgoing.append(flow.id)
        self.by_id[target].incoming.append(flow.id)


_MAIN = {
    StepKind.START: ("userTask", "Task"),
    StepKind.PROCESS: ("userTask", "Task"),
    StepKind.DECISION: ("userTask", "Task"),
    StepKind.END: ("userTask", "Task"),
    StepKind.REPEAT: ("userTask", "Task"),
    StepKind.SUBPROCEDURE: ("callActivity", "CallActivity"),
    StepKind.WAIT: ("intermediateCatchEvent", "Timer"),
}


def _graph(spec: SOPSpec) -> _Graph:
    g = _Graph()
    for step in spec.steps:
        if step is spec.start or step.entry:
            g.add(_Node(f"StartEvent_{step.id}", "startEvent", step.role, _start_name(spec, step)))
        tag, prefix = _MAIN[step.kind]
        main = g.add(_Node(f"{prefix}_{step.id}", tag, step.role, step.display_title, step))
        g.entry_of[step.id] = g.exit_of[step.id] = main.id
        if step is spec.start or step.entry:
            g.connect(f"StartEvent_{step.id}", main.id)
        if step.kind is StepKind.DECISION:
            gateway = g.add(
                _Node(f"Gateway_{step.id}", "exclusiveGateway", step.role, step.question, step)
            )
            g.connect(main.id, gateway.id)
            g.exit_of[step.id] = gateway.id
        elif step.kind is StepKind.END:
            end = g.add(_Node(f"EndEvent_{step.id}", "endEvent", step.role, "Selesai"))
            g.connect(main.id, end.id)
    for step in spec.steps:
        source = g.exit_of[step.id]
        if step.kind is StepKind.DECISION:
            for branch in step.branches:
                g.connect(source, g.entry_of[branch.to], branch.label, loop=branch.loop)
        elif step.next:
            g.connect(source, g.entry_of[step.next])
    return g


def _start_name(spec: SOPSpec, step: Step) -> str:
    return "Mulai" if step is spec.start else f"Mulai di no. {step.no}"


# -- semantic model -------------------------------------------------------------------------


def _documentation(parent: ET.Element, text: str) -> None:
    if text:
        ET.SubElement(parent, _b("documentation")).text = _clean(text)


def _step_documentation(spec: SOPSpec, step: Step) -> str:
    lines = [f"No. {step.no}: {step.activity}"]
    if step.question:
        lines.append(f"Keputusan: {step.question}")
    if step.requirements:
        lines.append("Kelengkapan: " + "; ".join(step.requirements))
    if step.time.text:
        lines.append(f"Waktu: {_time_text(spec, step.time)}")
    if step.deadline is not None:
        lines.append(f"Batas waktu: {_time_text(spec, step.deadline)}")
    if step.output:
        lines.append(f"Output: {step.output}")
    if step.notes:
        lines.append(f"Keterangan: {step.notes}")
    if step.records:
        lines.append("Dicatat: " + "; ".join(f"{r.label} ({r.type})" for r in step.records))
    return "\n".join(lines)


def _time_text(spec: SOPSpec, standard: TimeStandard) -> str:
    if not standard.has_deadline:
        return f"{standard.text} (tanpa batas waktu)"
    unit = "waktu kerja" if _counts_working_time(spec, standard) else "sepanjang waktu"
    return f"{standard.text} ({iso_duration(standard)}, {unit})"


def _time_element(parent: ET.Element, tag: str, spec: SOPSpec, standard: TimeStandard) -> None:
    attrs = {"text": _clean(standard.text)}
    if standard.has_deadline:
        attrs["duration"] = iso_duration(standard)
        attrs["working"] = str(_counts_working_time(spec, standard)).lower()
    elif standard.tentative:
        attrs["tentative"] = "true"
    ET.SubElement(parent, _t(tag), attrs)


def _extensions(parent: ET.Element, spec: SOPSpec, node: _Node) -> None:
    step = node.step
    if step is None or node.tag == "exclusiveGateway":
        return
    ext = ET.SubElement(parent, _b("extensionElements"))
    ET.SubElement(
        ext,
        _t("step"),
        {"id": step.id, "no": _clean(step.no), "kind": str(step.kind), "role": step.role},
    )
    if step.time.text:
        _time_element(ext, "timeStandard", spec, step.time)
    if step.deadline is not None:
        _time_element(ext, "deadline", spec, step.deadline)
    for record in step.records:
        ET.SubElement(
            ext,
            _t("record"),
            {
                "name": record.name,
                "label": _clean(record.label),
                "type": str(record.type),
                "required": str(record.required).lower(),
            },
        )
    if step.repeat is not None:
        attrs = {"frequency": str(step.repeat.frequency), "period": str(step.repeat.period)}
        if step.repeat.schedule_field:
            attrs["schedule"] = _clean(step.repeat.schedule_field)
        ET.SubElement(ext, _t("repeat"), attrs)
    if step.subprocedure is not None:
        sub = step.subprocedure
        ET.SubElement(
            ext,
            _t("subprocedure"),
            {
                "sop": _clean(sub.sop or spec.code),
                "entry": _clean(sub.entry),
                "forEach": _clean(sub.for_each),
                "wait": str(sub.wait).lower(),
            },
        )


def _flow_node(process: ET.Element, spec: SOPSpec, node: _Node) -> None:
    attrs = {"id": node.id}
    if node.name:
        attrs["name"] = _clean(node.name)
    step = node.step
    if node.tag == "callActivity" and step is not None and step.subprocedure is not None:
        attrs["calledElement"] = _clean(step.subprocedure.sop or spec.code)
    el = ET.SubElement(process, _b(node.tag), attrs)
    if step is not None and node.tag != "exclusiveGateway":
        _documentation(el, _step_documentation(spec, step))
    _extensions(el, spec, node)
    for flow_id in node.incoming:
        ET.SubElement(el, _b("incoming")).text = flow_id
    for flow_id in node.outgoing:
        ET.SubElement(el, _b("outgoing")).text = flow_id
    if step is None:
        return
    if node.tag == "intermediateCatchEvent" and step.deadline is not None:
        timer = ET.SubElement(el, _b("timerEventDefinition"), {"id": f"TimerDefinition_{step.id}"})
        duration = ET.SubElement(
            timer, _b("timeDuration"), {f"{{{XSI_NS}}}type": "bpmn:tFormalExpression"}
        )
        duration.text = iso_duration(step.deadline)
    elif step.repeat is not None and node.tag == "userTask":
        loop = ET.SubElement(el, _b("multiInstanceLoopCharacteristics"), {"id": f"Loop_{step.id}"})
        _documentation(loop, _repeat_text(step))
    elif step.subprocedure is not None and step.subprocedure.for_each:
        loop = ET.SubElement(el, _b("multiInstanceLoopCharacteristics"), {"id": f"Loop_{step.id}"})
        _documentation(loop, f"Satu kasus untuk setiap butir {step.subprocedure.for_each}")


def _repeat_text(step: Step) -> str:
    repeat = step.repeat
    if repeat is None:
        return ""
    if repeat.schedule_field:
        return f"Sekali untuk setiap tanggal di {repeat.schedule_field} ({repeat.period})"
    return f"{repeat.frequency} dalam satu {repeat.period}"


def _process(root: ET.Element, spec: SOPSpec, g: _Graph) -> None:
    process = ET.SubElement(
        root,
        _b("process"),
        {"id": spec.code, "name": _clean(spec.name), "isExecutable": "false"},
    )
    header = [spec.name, *spec.identity.instansi]
    if spec.identity.nomor:
        header.append(f"Nomor SOP: {spec.identity.nomor}")
    header.append(f"Versi {spec.version} ({spec.status})")
    _documentation(process, "\n".join(header))
    ext = ET.SubElement(process, _b("extensionElements"))
    ET.SubElement(
        ext,
        _t("sop"),
        {
            "code": spec.code,
            "version": str(spec.version),
            "status": spec.status,
            "calendar": str(spec.calendar.kind),
        },
    )
    lane_set = ET.SubElement(process, _b("laneSet"), {"id": f"LaneSet_{spec.code}"})
    for role in spec.roles:
        lane = ET.SubElement(
            lane_set, _b("lane"), {"id": f"Lane_{role.id}", "name": _clean(role.name)}
        )
        about = [role.description] if role.description else []
        if role.external:
            about.insert(0, "Di luar unit kerja (dicatat oleh petugas atas namanya)")
        _documentation(lane, "\n".join(about))
        for node in g.nodes:
            if node.lane == role.id:
                ET.SubElement(lane, _b("flowNodeRef")).text = node.id
    for node in g.nodes:
        _flow_node(process, spec, node)
    for flow in g.flows:
        attrs = {"id": flow.id, "sourceRef": flow.source, "targetRef": flow.target}
        if flow.name:
            attrs["name"] = _clean(flow.name)
        el = ET.SubElement(process, _b("sequenceFlow"), attrs)
        if flow.loop:
            _documentation(el, "Kembali untuk perbaikan")


# -- diagram --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


def _has_label(node: _Node) -> bool:
    """Events and gateways carry their name in a label below the symbol."""
    return node.tag not in ("userTask", "callActivity") and bool(node.name)


def _label_height(node: _Node) -> int:
    return LINE_HEIGHT * max(1, len(textwrap.wrap(node.name, LABEL_CHARS)))


def _reach(node: _Node) -> int:
    """How far a node (and its label) reaches above or below its lane's middle."""
    height = node.size[1]
    if _has_label(node):
        return height // 2 + 5 + _label_height(node)
    return height // 2


class _Layout:
    def __init__(self, spec: SOPSpec, g: _Graph):
        self.g = g
        self.left = POOL_X + POOL_HEADER + LANE_HEADER + MARGIN // 2
        self.width = POOL_HEADER + LANE_HEADER + MARGIN + COLUMN * len(g.nodes)
        self.tops: dict[str, int] = {}
        self.heights: dict[str, int] = {}
        top = POOL_Y
        for role in spec.roles:
            reach = max((_reach(n) for n in g.nodes if n.lane == role.id), default=0)
            self.tops[role.id] = top
            self.heights[role.id] = max(LANE_MIN_HEIGHT, 2 * (reach + LANE_PADDING))
            top += self.heights[role.id]
        self.height = top - POOL_Y
        self.boxes = {node.id: self._box(node) for node in g.nodes}
        self.channel_use: dict[tuple[str, str], int] = {}
        self.gap_use: dict[int, int] = {}

    def _box(self, node: _Node) -> _Box:
        w, h = node.size
        cx = self.left + node.column * COLUMN + COLUMN // 2
        cy = self.tops[node.lane] + self.heights[node.lane] // 2
        return _Box(cx - w // 2, cy - h // 2, w, h)

    def _gap(self, boundary: int) -> int:
        """The x of a vertical segment in the gap left of column ``boundary``, spread out so
        that several edges through one gap stay apart."""
        used = self.gap_use.get(boundary, 0)
        self.gap_use[boundary] = used + 1
        offset = (0, -8, 8, -16, 16)[used % 5]
        return self.left + boundary * COLUMN + offset

    def _channel(self, lane: str, where: str) -> int:
        used = self.channel_use.get((lane, where), 0)
        self.channel_use[(lane, where)] = used + 1
        step = 6 * (used % 4)
        if where == "top":
            return self.tops[lane] + 12 + step
        return self.tops[lane] + self.heights[lane] - 12 - step

    def route(self, flow: _Flow) -> list[tuple[int, int]]:
        s, t = self.g.by_id[flow.source], self.g.by_id[flow.target]
        a, b = self.boxes[s.id], self.boxes[t.id]
        start, end = (a.x + a.w, a.cy), (b.x, b.cy)
        if t.column > s.column:
            between = range(s.column + 1, t.column)
            if s.lane == t.lane and not any(self.g.nodes[c].lane == s.lane for c in between):
                return [start, end]
            if t.column == s.column + 1:
                x = self._gap(t.column)
                return [start, (x, a.cy), (x, b.cy), end]
            channel = self._channel(t.lane, "top")
        else:
            channel = self._channel(t.lane, "bottom")
        x1, x2 = self._gap(s.column + 1), self._gap(t.column)
        return [start, (x1, a.cy), (x1, channel), (x2, channel), (x2, b.cy), end]


def _bounds(parent: ET.Element, x: int, y: int, w: int, h: int) -> None:
    ET.SubElement(
        parent,
        f"{{{DC_NS}}}Bounds",
        {"x": str(x), "y": str(y), "width": str(w), "height": str(h)},
    )


def _diagram(root: ET.Element, spec: SOPSpec, g: _Graph) -> None:
    layout = _Layout(spec, g)
    diagram = ET.SubElement(root, f"{{{BPMNDI_NS}}}BPMNDiagram", {"id": f"BPMNDiagram_{spec.code}"})
    plane = ET.SubElement(
        diagram,
        f"{{{BPMNDI_NS}}}BPMNPlane",
        {"id": f"BPMNPlane_{spec.code}", "bpmnElement": f"Collaboration_{spec.code}"},
    )

    def shape(element: str, box: _Box, **extra: str) -> ET.Element:
        el = ET.SubElement(
            plane,
            f"{{{BPMNDI_NS}}}BPMNShape",
            {"id": f"{element}_di", "bpmnElement": element, **extra},
        )
        _bounds(el, box.x, box.y, box.w, box.h)
        return el

    shape(
        f"Participant_{spec.code}",
        _Box(POOL_X, POOL_Y, layout.width, layout.height),
        isHorizontal="true",
    )
    for role in spec.roles:
        shape(
            f"Lane_{role.id}",
            _Box(
                POOL_X + POOL_HEADER,
                layout.tops[role.id],
                layout.width - POOL_HEADER,
                layout.heights[role.id],
            ),
            isHorizontal="true",
        )
    for node in g.nodes:
        extra = {"isMarkerVisible": "true"} if node.tag == "exclusiveGateway" else {}
        el = shape(node.id, layout.boxes[node.id], **extra)
        if _has_label(node):
            box = layout.boxes[node.id]
            label = ET.SubElement(el, f"{{{BPMNDI_NS}}}BPMNLabel")
            _bounds(
                label,
                box.cx - LABEL_WIDTH // 2,
                box.y + box.h + 5,
                LABEL_WIDTH,
                _label_height(node),
            )
    for flow in g.flows:
        edge = ET.SubElement(
            plane,
            f"{{{BPMNDI_NS}}}BPMNEdge",
            {"id": f"{flow.id}_di", "bpmnElement": flow.id},
        )
        points = layout.route(flow)
        for x, y in points:
            ET.SubElement(edge, f"{{{DI_NS}}}waypoint", {"x": str(x), "y": str(y)})
        if flow.name:
            (x1, y1), (x2, y2) = points[len(points) // 2 - 1], points[len(points) // 2]
            label = ET.SubElement(edge, f"{{{BPMNDI_NS}}}BPMNLabel")
            _bounds(label, min(x1, x2) + 4, min(y1, y2) + abs(y2 - y1) // 2 - 18, 90, 14)


# -- the document ---------------------------------------------------------------------------


def export_bpmn(spec: SOPSpec) -> str:
    """The SOP as a BPMN 2.0 XML document with diagram interchange (a string, UTF-8 declared)."""
    g = _graph(spec)
    root = ET.Element(
        _b("definitions"),
        {
            "id": f"Definitions_{spec.code}",
            "targetNamespace": TARGET_NS,
            "exporter": "Trantib",
            "exporterVersion": spec.key,
        },
    )
    collaboration = ET.SubElement(root, _b("collaboration"), {"id": f"Collaboration_{spec.code}"})
    ET.SubElement(
        collaboration,
        _b("participant"),
        {
            "id": f"Participant_{spec.code}",
            "name": _clean(spec.name),
            "processRef": spec.code,
        },
    )
    _process(root, spec, g)
    _diagram(root, spec, g)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
