"""Orthogonal arrows between the symbols of one flowchart page, and where their labels go.

Every arrow leaves a symbol by its bottom or a side and enters by its top, a side or (for a
return) its bottom. Candidate routes are a straight line, an L, a Z across a free horizontal
band, or a detour through a vertical *lane* (the strip beside the symbols inside a role column,
where no symbol ever is). A candidate is refused when it cuts through a symbol, runs along an
arrow to another target, or uses a port another arrow already took; among the rest the one
with the fewest bends, crossings and the shortest length wins. Arrows to the same target may
share their last runs, as arrows join on paper.

Arrows are routed shortest first so that the plain flow gets the straight lines and returns
for correction go round it. Branch labels are placed last, beside the first run of their
arrow, where they cover the fewest symbols, arrows and grid lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

from .layout import LABEL, Edge, Node, PageLayout, Shape, connector_spots

Pt = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

STUB = 4.0  # shortest first run out of a symbol
LAST = 6.0  # shortest last run: room for the arrowhead (5 pt)
CLEAR = 2.0  # symbols count this much larger
NEAR = 2.6  # parallel runs closer than this overlap
LANE_STEP = 3.6
READS_AS_ONE = 40.0  # two collinear runs closer than this, with nothing between, look joined

DEPART = {"bottom": (0, 1), "left": (-1, 0), "right": (1, 0)}
ARRIVE = {"top": (0, 1), "bottom": (0, -1), "left": (1, 0), "right": (-1, 0)}


@dataclass(frozen=True)
class _Seg:
    a: Pt
    b: Pt
    edge: Edge | None  # None: a grid line (labels only)

    @property
    def horizontal(self) -> bool:
        return self.a[1] == self.b[1]

    @property
    def fixed(self) -> float:
        return self.a[1] if self.horizontal else self.a[0]

    @property
    def lo(self) -> float:
        return min(self.a[0], self.b[0]) if self.horizontal else min(self.a[1], self.b[1])

    @property
    def hi(self) -> float:
        return max(self.a[0], self.b[0]) if self.horizontal else max(self.a[1], self.b[1])


def _segments(points: list[Pt], edge: Edge | None) -> list[_Seg]:
    return [_Seg(points[i], points[i + 1], edge) for i in range(len(points) - 1)]


def _simplify(points: list[Pt]) -> list[Pt]:
    """Drop repeated points and the middle of straight runs."""
    out: list[Pt] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        out.append(p)
    i = 1
    while i < len(out) - 1:
        (x0, y0), (x1, y1), (x2, y2) = out[i - 1], out[i], out[i + 1]
        if (x0 == x1 == x2) or (y0 == y1 == y2):
            out.pop(i)
        else:
            i += 1
    return out


def _well_formed(points: list[Pt], depart: tuple[int, int], arrive: tuple[int, int]) -> bool:
    """Leaves and arrives the way its ports face, turns at every corner, never doubles back."""
    if len(points) < 2:
        return False
    dirs = []
    for (x0, y0), (x1, y1) in pairwise(points):
        if x0 != x1 and y0 != y1:
            return False
        dx, dy = x1 - x0, y1 - y0
        length = abs(dx) + abs(dy)
        if length < 0.5:
            return False
        dirs.append((round(dx / length), round(dy / length)))
    if dirs[0] != depart or dirs[-1] != arrive:
        return False
    return all(d0[0] * d1[0] + d0[1] * d1[1] == 0 for d0, d1 in pairwise(dirs))


def _hits_box(seg: _Seg, box: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = box
    if seg.horizontal:
        return y0 < seg.fixed < y1 and seg.lo < x1 and seg.hi > x0
    return x0 < seg.fixed < x1 and seg.lo < y1 and seg.hi > y0


def _inflate(box: tuple[float, float, float, float], by: float):
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _length(points: list[Pt]) -> float:
    return sum(
        abs(points[i + 1][0] - points[i][0]) + abs(points[i + 1][1] - points[i][1])
        for i in range(len(points) - 1)
    )


class _Router:
    def __init__(self, page: PageLayout) -> None:
        self.page = page
        grid = page.grid
        self.x_min = grid.role_left + 1.5
        self.x_max = grid.role_right - 1.5
        half = grid.symbol_width / 2
        self.lanes: list[tuple[int, float]] = []  # (column, x)
        for i, col in enumerate(grid.roles):
            margin = col.width / 2 - half
            # Nearer than 6 pt to a grid line an arrow reads as a doubled line; narrow columns
            # still get one lane, in the middle of their margin.
            first = 6.0 if margin >= 8.5 else margin / 2
            x = col.x + first
            while x <= col.center - half - 2.5 or x == col.x + first:
                self.lanes.append((i, x))
                x += LANE_STEP
            x = col.right - first
            while x >= col.center + half + 2.5 or x == col.right - first:
                self.lanes.append((i, x))
                x -= LANE_STEP
        self.segs: list[_Seg] = []
        self.out_ports: set[tuple[str, str]] = set()
        self.in_ports: set[tuple[str, str]] = set()
        self.boxes = [(n, _inflate(n.bbox, CLEAR)) for n in page.nodes]
        self.fixed: set[str] = set()  # connectors whose column is decided
        self.fallbacks = 0  # arrows drawn without a clean route (for tests and tuning)

    # -- candidates ---------------------------------------------------------------------------

    def _tracks_between(self, a: Node, b: Node) -> list[float]:
        levels = self.page.levels
        lo, hi = sorted((a.level, b.level))
        ys: list[float] = []
        ys += levels[a.level].tracks_below()
        ys += levels[b.level].tracks_above()
        for g in range(lo + 1, hi):
            ys += levels[g].tracks_above()[:2] + levels[g].tracks_below()[:2]
        ys += levels[b.level].tracks_below()
        return sorted(set(ys))

    def _lanes_near(self, a: Node, b: Node) -> list[float]:
        lo, hi = sorted((a.col, b.col))
        return [x for c, x in self.lanes if lo - 1 <= c <= hi + 1]

    def _shapes(self, a: Node, so: str, b: Node, si: str) -> Iterator[list[Pt]]:
        s, e = a.port(so), b.port(si)
        ds, de = DEPART[so], ARRIVE[si]
        levels = self.page.levels
        lanes = self._lanes_near(a, b)

        def start_ok(x: float) -> bool:  # a horizontal first run can reach x
            return (x - s[0]) * ds[0] >= STUB

        def end_ok_y(y: float) -> bool:  # a vertical last run can start at height y
            return (e[1] - y) * de[1] >= LAST

        def end_ok_x(x: float) -> bool:  # a horizontal last run can start at x
            return (e[0] - x) * de[0] >= LAST

        end_tracks = levels[b.level].tracks_above() if de[1] > 0 else levels[b.level].tracks_below()
        below_a = [t for t in levels[a.level].tracks_below() if t - s[1] >= STUB]
        if ds[0] == 0 and de[0] == 0:
            if abs(s[0] - e[0]) < 0.01 and de[1] > 0 and e[1] - s[1] >= STUB:
                yield [s, e]
            if abs(s[0] - e[0]) >= 0.01:
                for t in self._tracks_between(a, b):
                    if t - s[1] >= STUB and end_ok_y(t):
                        yield [s, (s[0], t), (e[0], t), e]
            for t1 in below_a[:3]:
                for lane in lanes:
                    for t2 in end_tracks[:3]:
                        if end_ok_y(t2):
                            yield [s, (s[0], t1), (lane, t1), (lane, t2), (e[0], t2), e]
        elif ds[0] == 0:
            if e[1] - s[1] >= STUB and end_ok_x(s[0]):
                yield [s, (s[0], e[1]), e]
            for t1 in below_a[:3]:
                for lane in lanes:
                    if end_ok_x(lane):
                        yield [s, (s[0], t1), (lane, t1), (lane, e[1]), e]
        elif de[0] == 0:
            if start_ok(e[0]) and end_ok_y(s[1]):
                yield [s, (e[0], s[1]), e]
            for lane in lanes:
                if start_ok(lane):
                    for t2 in end_tracks[:4]:
                        if end_ok_y(t2):
                            yield [s, (lane, s[1]), (lane, t2), (e[0], t2), e]
        else:
            if abs(s[1] - e[1]) < 0.01 and ds == de and start_ok(e[0]):
                yield [s, e]
            if abs(s[1] - e[1]) >= 0.01:
                for lane in lanes:
                    if start_ok(lane) and end_ok_x(lane):
                        yield [s, (lane, s[1]), (lane, e[1]), e]
            # Round the outside: out of one side, along a free band, into the other side.
            bands = levels[a.level].tracks_below()[:3] + levels[a.level].tracks_above()[:3]
            l1s = [x for x in lanes if start_ok(x)][:6]
            l2s = [x for x in lanes if end_ok_x(x)][-6:]
            for t in bands:
                for l1 in l1s:
                    for l2 in l2s:
                        yield [s, (l1, s[1]), (l1, t), (l2, t), (l2, e[1]), e]

    def _penalty(self, edge: Edge, so: str, si: str) -> float:
        out = 0.0 if so == "bottom" else (1.5 if edge.src.shape is Shape.DECISION else 4.0)
        if si == "top":
            inp = 2.0 if edge.loop else 0.0
        elif si == "bottom":
            inp = 3.0 if edge.loop else 8.0
        elif edge.dst.shape is Shape.DECISION:
            inp = 3.0 if edge.loop else 12.0  # keep a decision's sides for its branches
        else:
            inp = 0.5 if edge.loop else 4.0
        return out + inp

    def _candidates(
        self, edge: Edge, share: bool = False
    ) -> Iterator[tuple[float, list[Pt], str, str]]:
        """Routes through every free pair of ports; ``share``: a port this symbol already
        leaves by may serve again (a decision with more branches than free sides)."""
        a, b = edge.src, edge.dst
        outs = ["bottom"] if a.shape is Shape.CONNECTOR else ["bottom", "right", "left"]
        ins = ["top"] if b.shape is Shape.CONNECTOR else ["top", "left", "right", "bottom"]
        for so in outs:
            if (a.key, so) in self.in_ports or (not share and (a.key, so) in self.out_ports):
                continue
            for si in ins:
                if (b.key, si) in self.out_ports:
                    continue
                penalty = self._penalty(edge, so, si)
                for pts in self._shapes(a, so, b, si):
                    pts = _simplify(pts)
                    if not _well_formed(pts, DEPART[so], ARRIVE[si]):
                        continue
                    bound = 10.0 * (len(pts) - 2) + penalty + 0.015 * _length(pts)
                    yield bound, pts, so, si

    # -- checks -------------------------------------------------------------------------------

    def _score(self, edge: Edge, pts: list[Pt], strict: bool) -> float | None:
        """Crossings and overlaps of a candidate, or None when it is not allowed."""
        segs = _segments(pts, edge)
        last = len(segs) - 1
        extra = 0.0
        for i, seg in enumerate(segs):
            if seg.horizontal and (seg.lo < self.x_min or seg.hi > self.x_max):
                return None
            if not seg.horizontal and not self.x_min <= seg.fixed <= self.x_max:
                return None
            for node, box in self.boxes:
                if (i == 0 and node is edge.src) or (i == last and node is edge.dst):
                    continue
                if _hits_box(seg, box):
                    return None
            for other in self.segs:
                same_target = other.edge is not None and other.edge.dst is edge.dst
                if seg.horizontal == other.horizontal:
                    if abs(seg.fixed - other.fixed) < NEAR and (
                        min(seg.hi, other.hi) - max(seg.lo, other.lo) > 0.3
                    ):
                        if same_target:
                            continue
                        if strict:
                            return None
                        extra += 40.0
                    elif not same_target and self._reads_as_one(seg, other):
                        extra += 30.0
                    continue
                h, v = (seg, other) if seg.horizontal else (other, seg)
                inside_h = h.lo - 0.01 <= v.fixed <= h.hi + 0.01
                inside_v = v.lo - 0.01 <= h.fixed <= v.hi + 0.01
                if not (inside_h and inside_v):
                    continue
                strictly = h.lo + 0.01 < v.fixed < h.hi - 0.01 and v.lo + 0.01 < h.fixed < (
                    v.hi - 0.01
                )
                if same_target:
                    continue
                # A touch (one run ending on another) reads as a join: worse than a crossing.
                extra += 6.0 if strictly else 25.0
        return extra

    def _reads_as_one(self, seg: _Seg, other: _Seg) -> bool:
        """Two runs on one line with only a short empty gap between them read as one arrow
        (the audit's "rows 2 → 3 → 4"): a gap a symbol fills is a chain through the symbol."""
        if abs(seg.fixed - other.fixed) >= NEAR:
            return False
        gap_lo, gap_hi = min(seg.hi, other.hi), max(seg.lo, other.lo)
        if not -0.3 <= gap_hi - gap_lo < READS_AS_ONE:
            return False
        mid = (gap_lo + gap_hi) / 2
        for _node, (x0, y0, x1, y1) in self.boxes:
            if seg.horizontal and y0 <= seg.fixed <= y1 and x0 <= mid <= x1:
                return False
            if not seg.horizontal and x0 <= seg.fixed <= x1 and y0 <= mid <= y1:
                return False
        return True

    def _best(self, edge: Edge) -> tuple[float, list[Pt], str, str] | None:
        found = self._best_with(edge, share=False)
        return found if found is not None else self._best_with(edge, share=True)

    def _best_with(self, edge: Edge, share: bool) -> tuple[float, list[Pt], str, str] | None:
        cands = sorted(self._candidates(edge, share), key=lambda c: c[0])
        for strict in (True, False):
            best: tuple[float, list[Pt], str, str] | None = None
            for bound, pts, so, si in cands:
                if best is not None and bound >= best[0]:
                    break
                extra = self._score(edge, pts, strict)
                if extra is None:
                    continue
                cost = bound + extra
                if best is None or cost < best[0]:
                    best = (cost, pts, so, si)
            if best is not None:
                return best
        return None

    def _movable(self, edge: Edge) -> Node | None:
        """An off-page connector not yet tied down by an arrow: it may take any free column
        of its level among its row's roles, so that its arrow need not cross others."""
        for node in (edge.dst, edge.src):
            if node.shape is Shape.CONNECTOR and node.key not in self.fixed:
                return node
        return None

    def route(self, edge: Edge) -> None:
        node = self._movable(edge)
        if node is None:
            best = self._best(edge)
        else:
            home = (node.col, node.cx)
            others = [n for n in self.page.nodes if n.level == node.level and n is not node]
            options: list[tuple[float, float, tuple[float, list[Pt], str, str]]] = []
            spots = connector_spots(self.page.grid, others)
            # only in a column of its own row's roles (when one is free)
            spots = [s for s in spots if s[0] in node.columns] or spots if node.columns else spots
            spots = spots or [(home[0], home[1], 0.0)]
            for col, cx, shift in spots:
                self._place(node, col, cx)
                box = _inflate(node.bbox, CLEAR)
                if any(_hits_box(seg, box) for seg in self.segs):
                    continue  # an arrow already runs where the connector would sit
                found = self._best(edge)
                if found is not None:
                    cost = found[0] + 4.0 * abs(col - home[0]) + shift
                    options.append((cost, cx, found))
            best = None
            if options:
                _, cx, best = min(options, key=lambda o: (o[0], o[1]))
                self._place(node, self._column_at(cx), cx)
            else:
                self._place(node, *home)
            self.fixed.add(node.key)
        if best is not None:
            self._commit(edge, best[1], best[2], best[3])
            return
        # Nothing clean: draw the plain elbow rather than nothing.
        self.fallbacks += 1
        s, e = edge.src.port("bottom"), edge.dst.port("top")
        self._commit(edge, _simplify([s, (s[0], e[1] - LAST), (e[0], e[1] - LAST), e]), "", "")

    def _place(self, node: Node, col: int, cx: float) -> None:
        node.col = col
        node.cx = cx
        self.boxes = [(n, _inflate(n.bbox, CLEAR)) for n in self.page.nodes]

    def _column_at(self, x: float) -> int:
        return next(i for i, c in enumerate(self.page.grid.roles) if c.x <= x <= c.right)

    def _commit(self, edge: Edge, pts: list[Pt], so: str, si: str) -> None:
        edge.points = pts
        self.segs += _segments(pts, edge)
        if so:
            self.out_ports.add((edge.src.key, so))
        if si:
            self.in_ports.add((edge.dst.key, si))

    # -- labels -------------------------------------------------------------------------------

    def place_labels(self, edges: list[Edge]) -> None:
        grid = self.page.grid
        lines = [_Seg((self.x_min, r.y), (self.x_max, r.y), None) for r in self.page.rows[1:]]
        lines += [
            _Seg((c.x, self.page.rows[0].y), (c.x, self.page.height), None) for c in grid.roles[1:]
        ]
        heads = [
            (
                e.points[-1][0] - 3.0,
                e.points[-1][1] - 3.0,
                e.points[-1][0] + 3.0,
                e.points[-1][1] + 3.0,
            )
            for e in edges
            if e.points
        ]
        placed: list[Box] = []
        for edge in edges:
            if not edge.label or len(edge.points) < 2:
                continue
            best: tuple[float, tuple[float, float, str], tuple[str, ...], Box] | None = None
            for variant, text in enumerate(_label_variants(edge.label)):
                for pos, distance in _label_spots(edge.points, text):
                    box = _label_box(pos, text)
                    cost = self._label_cost(box, placed, lines, heads)
                    cost += 0.06 * distance + 1.5 * variant
                    if best is None or cost < best[0]:
                        best = (cost, pos, text, box)
            if best is not None:
                edge.label_at = best[1]
                edge.label_lines = best[2]
                placed.append(best[3])

    def _label_cost(
        self, box: Box, placed: list[Box], lines: list[_Seg], heads: list[Box]
    ) -> float:
        x0, y0, x1, y1 = box
        cost = 0.0
        if x0 < self.x_min or x1 > self.x_max:
            cost += 200.0
        for node in self.page.nodes:
            if _box_hits_node(box, node):
                cost += 60.0
        for other in placed + heads:
            if x0 < other[2] and x1 > other[0] and y0 < other[3] and y1 > other[1]:
                cost += 40.0
        for seg in self.segs:
            if _hits_box(seg, box):
                cost += 100.0  # a label crossed by an arrow is unreadable: never, if avoidable
        for seg in lines:
            if _hits_box(seg, box):
                cost += 6.0
        return cost


def _box_hits_node(box: Box, node: Node) -> bool:
    x0, y0, x1, y1 = box
    nx0, ny0, nx1, ny1 = _inflate(node.bbox, 0.8)
    if not (x0 < nx1 and x1 > nx0 and y0 < ny1 and y1 > ny0):
        return False
    if node.shape is not Shape.DECISION:
        return True
    # The nearest point of the box to the diamond's centre decides (|dx|/a + |dy|/b <= 1).
    px = min(max(node.cx, x0), x1)
    py = min(max(node.cy, y0), y1)
    return abs(px - node.cx) / (node.w / 2 + 0.8) + abs(py - node.cy) / (node.h / 2 + 0.8) <= 1


def _label_variants(label: str) -> list[tuple[str, ...]]:
    """The label on one line, and broken into two and three balanced lines."""
    words = label.split()
    variants: list[tuple[str, ...]] = [(label,)]
    for count in (2, 3):
        if len(words) < count:
            break
        best: tuple[str, ...] | None = None
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = tuple(" ".join(words[bounds[i] : bounds[i + 1]]) for i in range(count))
            if best is None or max(map(LABEL.width, lines)) < max(map(LABEL.width, best)):
                best = lines
        if best is not None:
            variants.append(best)
    return variants


def _label_spots(
    points: list[Pt], lines: tuple[str, ...]
) -> Iterator[tuple[tuple[float, float, str], float]]:
    """Places beside the first two runs of an arrow, with how far along the arrow they are."""
    extra = (len(lines) - 1) * LABEL.leading
    travelled = 0.0
    for i in range(min(2, len(points) - 1)):
        (sx, sy), (nx, ny) = points[i], points[i + 1]
        length = abs(nx - sx) + abs(ny - sy)
        d = 1.5
        while d <= max(length - 2.0, 1.5):
            if sx == nx:
                sign = 1.0 if ny > sy else -1.0
                top = sy + sign * d if sign > 0 else sy - d - LABEL.size - extra
                base = top + LABEL.size * 0.8
                yield (sx + 2.5, base, "start"), travelled + d
                yield (sx - 2.5, base, "end"), travelled + d
            else:
                sign = 1.0 if nx > sx else -1.0
                anchor = "start" if sign > 0 else "end"
                x = sx + sign * (d + 1.0)
                yield (x, sy - 2.3 - extra, anchor), travelled + d
                yield (x, sy + LABEL.size * 0.8 + 2.3, anchor), travelled + d
            d += 4.0
        travelled += length
    # Above or below a side exit, reaching back over the symbol's slope when the lane is narrow.
    (sx, sy), (nx, ny) = points[0], points[1]
    if sy == ny:
        sign = 1.0 if nx > sx else -1.0
        for lift in (4.5, 7.5, 10.5):
            for back in (0.0, 4.0, 8.0, 12.0, 16.0):
                x = sx - sign * back
                yield (x, sy - lift - extra, "start" if sign > 0 else "end"), 6.0 + back + lift
                yield (
                    (x, sy + lift + LABEL.size * 0.8, "start" if sign > 0 else "end"),
                    (6.0 + back + lift),
                )


def _label_box(pos: tuple[float, float, str], lines: tuple[str, ...]) -> Box:
    x, y, anchor = pos
    w = max(LABEL.width(t) for t in lines)
    x0 = x if anchor == "start" else x - w
    return (
        x0 - 0.6,
        y - LABEL.size * 0.76,
        x0 + w + 0.6,
        y + (len(lines) - 1) * LABEL.leading + LABEL.size * 0.22,
    )


def route_page(page: PageLayout) -> None:
    router = _Router(page)
    edges = page.edges

    def order(edge: Edge) -> tuple[int, float, float]:
        a, b = edge.src, edge.dst
        backward = b.level < a.level or edge.loop
        group = 2 if edge.dashed else (1 if backward else 0)
        span = abs(b.level - a.level) * 100 + abs(b.col - a.col)
        return (group, span, a.level)

    for edge in sorted(edges, key=order):
        router.route(edge)
    router.place_labels(edges)
