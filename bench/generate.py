"""Build large synthetic registers for benchmarks: realistic Vietnamese text, a unit tree,
deadlines of every kind and progress notes. Written with bulk inserts (minutes matter);
the rows follow the same rules as the services (folded search text, roles, versions,
the original deadline kept when a deadline is extended).

    python bench/generate.py --tasks 100000 --out r100k.cdsdb [--units 200] [--seed 1]

What a register of N tasks holds (the same for a given N and seed):
* ``units`` units in a tree: ten top-level bodies (departments, districts), the rest
  their divisions and communes; about half have a short name;
* one conclusion notice per 40 tasks, 2021 to mid-2026;
* tasks with one lead and usually one or two cooperating units; about one in five
  is a sub-task (``-``/``+`` items) of the task above it;
* deadlines: 62% a date (some extended), 10% none, 10% recurring, 10% ongoing,
  8% a period; statuses as a real register's (43% done, 2% cancelled);
* 0 to 4 progress notes a task, and the recurring tasks' done periods.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from cdsdesk.domain.enums import Recurrence
from cdsdesk.domain.models import (
    Document,
    ProgressNote,
    Task,
    TaskExtension,
    TaskOccurrence,
    TaskUnit,
    Unit,
)
from cdsdesk.periods import periods_between
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

VERBS = ["Triển khai", "Xây dựng", "Hoàn thiện", "Tham mưu ban hành", "Rà soát, cập nhật",
         "Đẩy mạnh", "Tổ chức tập huấn", "Kết nối, chia sẻ", "Số hóa", "Nâng cấp",
         "Chủ trì, phối hợp xây dựng", "Khẩn trương hoàn thành", "Đôn đốc, hướng dẫn"]
OBJECTS = ["cơ sở dữ liệu chuyên ngành", "hệ thống thông tin giải quyết thủ tục hành chính",
           "dịch vụ công trực tuyến toàn trình", "Kế hoạch chuyển đổi số năm",
           "nền tảng số dùng chung", "Trung tâm điều hành thông minh (IOC)",
           "hạ tầng mạng LAN và Internet băng thông rộng", "kỹ năng số cho cán bộ, công chức",
           "chữ ký số chuyên dùng công vụ", "an toàn thông tin mạng", "hồ sơ sức khỏe điện tử",
           "thanh toán không dùng tiền mặt", "Đề án 06 của Chính phủ",
           "nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
           "kho dữ liệu số của tổ chức, cá nhân"]
TAILS = ["theo chỉ đạo của Chủ tịch UBND tỉnh", "bảo đảm tiến độ và chất lượng",
         "phục vụ người dân và doanh nghiệp", "trên địa bàn tỉnh", "đáp ứng Bộ chỉ số DTI",
         "báo cáo kết quả về Sở Khoa học và Công nghệ để tổng hợp",
         "tham mưu UBND tỉnh xem xét, quyết định"]
UNIT_KINDS = ["Sở", "Phòng", "Trung tâm", "Chi cục", "Ủy ban nhân dân huyện", "Ban",
              "Ủy ban nhân dân xã"]
UNIT_NAMES = ["Khoa học và Công nghệ", "Tài chính", "Nội vụ", "Tư pháp", "Xây dựng", "Y tế",
              "Giáo dục và Đào tạo", "Văn hóa, Thể thao và Du lịch", "Nông nghiệp và Môi trường",
              "Công Thương", "Bình Sơn", "Sơn Tịnh", "Tư Nghĩa", "Mộ Đức", "Lý Sơn", "Hành chính",
              "Chuyển đổi số", "Công nghệ thông tin và Truyền thông", "Kế hoạch - Tài chính"]
NOTES = ["Đã ban hành văn bản triển khai", "Đang phối hợp khảo sát hiện trạng",
         "Đã hoàn thành 60% khối lượng", "Chờ bố trí kinh phí", "Đã báo cáo UBND tỉnh",
         "Đang lấy ý kiến các sở, ngành; dự kiến trình trong tháng tới",
         "Đã tổ chức 03 lớp tập huấn cho 250 lượt cán bộ, công chức"]
GROUPS = [None, "awareness", "institutions", "infrastructure", "data", "human_resources",
          "cybersecurity", "government", "economy", "society"]
RECURRENCES = {"monthly": "hằng tháng", "quarterly": "hằng quý", "half_yearly": "định kỳ 6 tháng",
               "yearly": "hằng năm"}
ROMAN = ["I", "II", "III", "IV", "V"]


def _short_name(kind: str, name: str, uid: int) -> str:
    initials = "".join(word[0] for word in name.replace(",", "").split() if word[0].isupper())
    return f"{kind.split()[0]} {initials or name} {uid}"


def _units(rnd: random.Random, count: int) -> list[dict[str, Any]]:
    rows = []
    for uid in range(1, count + 1):
        parent = None if uid <= 10 else rnd.randint(1, min(uid - 1, 60))
        kind, base = rnd.choice(UNIT_KINDS), rnd.choice(UNIT_NAMES)
        name = f"{kind} {base} {uid}"
        short = _short_name(kind, base, uid) if rnd.random() < 0.5 else ""
        rows.append({"id": uid, "parent_id": parent, "name": name, "short_name": short,
                     "sort_order": uid, "active": True, "name_folded": fold(f"{name} {short}")})
    return rows


def _documents(rnd: random.Random, count: int, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for d in range(1, count + 1):
        issued = date(2021, 1, 1) + timedelta(days=d * 2000 // count)
        rows.append({
            "id": d, "number": str(rnd.randint(1, 400)), "doc_type": "TB", "issuer_code": "UBND",
            "issuer": "Ủy ban nhân dân tỉnh Quảng Ngãi", "place": "Quảng Ngãi", "issued_on": issued,
            "title": "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo chuyển đổi số "
                     f"tỉnh lần thứ {d}",
            "meeting_on": issued - timedelta(days=3), "chair": "Chủ tịch UBND tỉnh",
            "signer": "Nguyễn Văn A", "signer_title": "CHÁNH VĂN PHÒNG",
            "recipients": ["Các sở, ban, ngành tỉnh", "UBND các huyện, thị xã, thành phố"],
            "original_text": "", "source_file": "", "created_at": now})
    return rows


def build(path: Path, tasks: int, units: int = 200, seed: int = 1) -> None:
    rnd = random.Random(seed)
    now = datetime(2024, 1, 1)
    with Register(path) as reg, reg.engine.begin() as conn:
        conn.execute(insert(Unit), _units(rnd, units))
        docs = max(1, tasks // 40)
        doc_rows = _documents(rnd, docs, now)
        conn.execute(insert(Document), doc_rows)
        rows: dict[type, list[dict[str, Any]]] = {
            Task: [], TaskUnit: [], ProgressNote: [], TaskExtension: [], TaskOccurrence: []}
        parent: dict[str, Any] | None = None
        children = position = top = 0
        for tid in range(1, tasks + 1):
            document = doc_rows[(tid - 1) * docs // tasks]
            issued: date = document["issued_on"]
            if parent is None or parent["document_id"] != document["id"]:
                position = top = 0
            position += 1
            if parent is not None and parent["document_id"] == document["id"] \
                    and rnd.random() < 0.2:
                children += 1
                ref = f"{parent['ref']}.{children}"
                parent_id = parent["id"]
            else:
                children = 0
                top += 1
                ref = f"{ROMAN[(top - 1) // 8 % 5]}.{(top - 1) % 8 + 1}"
                parent_id = None
            content = (f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(TAILS)}; "
                       f"{rnd.choice(VERBS).lower()} {rnd.choice(OBJECTS)}.")
            assigned = issued
            kind = rnd.choices(["date", "none", "recurring", "ongoing", "period"],
                               [62, 10, 10, 10, 8])[0]
            deadline = original = period_start = recurrence = None
            deadline_text = ""
            if kind in ("date", "period"):
                deadline = original = assigned + timedelta(days=rnd.randint(10, 400))
                deadline_text = f"trước ngày {deadline:%d/%m/%Y}"
                if kind == "period":
                    period_start = deadline - timedelta(days=90)
                    deadline_text = f"trong quý {ROMAN[(deadline.month - 1) // 3]}/{deadline.year}"
            elif kind == "recurring":
                recurrence = rnd.choice(list(RECURRENCES))
                deadline_text = RECURRENCES[recurrence]
            elif kind == "ongoing":
                deadline_text = "thường xuyên"
            status = rnd.choices(["not_started", "in_progress", "done", "cancelled", "paused"],
                                 [15, 39, 43, 2, 1])[0]
            if deadline is not None and kind == "date" and rnd.random() < 0.04:
                decided = deadline - timedelta(days=rnd.randint(1, 20))
                new = deadline + timedelta(days=rnd.randint(30, 120))
                rows[TaskExtension].append({
                    "task_id": tid, "decided_on": max(decided, assigned), "old_deadline": deadline,
                    "new_deadline": new, "reason": "Chờ hướng dẫn của Bộ",
                    "decision": f"Công văn số {rnd.randint(100, 999)}/UBND-KGVX"})
                deadline = new
            completed = None
            if status == "done":
                completed = max(assigned, (deadline or assigned + timedelta(days=60))
                                + timedelta(days=rnd.randint(-30, 30)))
            row = {
                "id": tid, "parent_id": parent_id, "document_id": document["id"], "ref": ref,
                "content": content, "task_group": rnd.choice(GROUPS), "assigned_on": assigned,
                "deadline_kind": kind, "deadline": deadline, "period_start": period_start,
                "original_deadline": original, "recurrence": recurrence,
                "deadline_text": deadline_text, "urgent": rnd.random() < 0.05, "status": status,
                "completed_on": completed,
                "cancelled_on": assigned + timedelta(days=30) if status == "cancelled" else None,
                "status_reason": "Không còn phù hợp" if status in ("cancelled", "paused") else "",
                "result": "", "evidence": f"Báo cáo số {tid % 300}/BC-UBND" if completed else "",
                "sort_order": position, "search_text": fold(f"{ref} {content}"),
                "created_at": now, "updated_at": now, "version": 1}
            rows[Task].append(row)
            if parent_id is None:
                parent = row
            if parent_id is None or rnd.random() < 0.5:  # else answers through its parent
                lead, *cooperating = rnd.sample(range(1, units + 1), 3)
                rows[TaskUnit].append({"task_id": tid, "unit_id": lead, "role": "lead",
                                       "position": 0})
                for k, unit in enumerate(cooperating[: rnd.choice([0, 1, 1, 2])]):
                    rows[TaskUnit].append({"task_id": tid, "unit_id": unit,
                                           "role": "cooperating", "position": k + 1})
            for k in range(rnd.randint(0, 4)):
                rows[ProgressNote].append({
                    "task_id": tid, "noted_on": assigned + timedelta(days=30 * (k + 1)),
                    "text": rnd.choice(NOTES), "status_set": None, "created_at": now})
            if recurrence is not None:
                end = min(assigned + timedelta(days=900), date(2026, 6, 30))
                for period in periods_between(assigned, end, Recurrence(recurrence)):
                    if period.end <= end and rnd.random() < 0.6:
                        rows[TaskOccurrence].append({
                            "task_id": tid, "period_start": period.start, "due_on": period.end,
                            "completed_on": period.end - timedelta(days=rnd.randint(0, 10)),
                            "note": ""})
            if len(rows[Task]) >= 5000:
                _flush(conn, rows)
        _flush(conn, rows)


def _flush(conn: Any, rows: dict[type, list[dict[str, Any]]]) -> None:
    for model, batch in rows.items():  # tasks first: the other tables refer to them
        if batch:
            conn.execute(insert(model), batch)
            batch.clear()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists():
        out.unlink()
    build(out, args.tasks, args.units, args.seed)
