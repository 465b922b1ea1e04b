"""Build large synthetic registers for benchmarks: realistic Vietnamese text, a unit tree,
deadlines of every kind and progress notes. Written with bulk inserts (minutes matter);
the rows follow the same rules as the services (folded search text, roles, versions).

    python bench/generate.py --tasks 100000 --out /tmp/r100k.cdsdb
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from cdsdesk.domain.models import Document, ProgressNote, Task, TaskUnit, Unit  # noqa: E402
from cdsdesk.storage.db import Register  # noqa: E402
from cdsdesk.textvi import fold  # noqa: E402

VERBS = ["Triển khai", "Xây dựng", "Hoàn thiện", "Tham mưu ban hành", "Rà soát, cập nhật",
         "Đẩy mạnh", "Tổ chức tập huấn", "Kết nối, chia sẻ", "Số hóa", "Nâng cấp"]
OBJECTS = ["cơ sở dữ liệu chuyên ngành", "hệ thống thông tin giải quyết thủ tục hành chính",
           "dịch vụ công trực tuyến toàn trình", "Kế hoạch chuyển đổi số năm", "nền tảng số dùng chung",
           "Trung tâm điều hành thông minh (IOC)", "hạ tầng mạng LAN và Internet băng thông rộng",
           "kỹ năng số cho cán bộ, công chức", "chữ ký số chuyên dùng công vụ", "an toàn thông tin mạng"]
TAILS = ["theo chỉ đạo của Chủ tịch UBND tỉnh", "bảo đảm tiến độ và chất lượng",
         "phục vụ người dân và doanh nghiệp", "trên địa bàn tỉnh", "đáp ứng Bộ chỉ số DTI"]
UNIT_KINDS = ["Sở", "Phòng", "Trung tâm", "Chi cục", "Ủy ban nhân dân huyện", "Ban"]
UNIT_NAMES = ["Khoa học và Công nghệ", "Tài chính", "Nội vụ", "Tư pháp", "Xây dựng", "Y tế",
              "Giáo dục và Đào tạo", "Văn hóa, Thể thao và Du lịch", "Nông nghiệp và Môi trường",
              "Công Thương", "Bình Sơn", "Sơn Tịnh", "Tư Nghĩa", "Mộ Đức", "Lý Sơn", "Hành chính"]
NOTES = ["Đã ban hành văn bản triển khai", "Đang phối hợp khảo sát hiện trạng",
         "Đã hoàn thành 60% khối lượng", "Chờ bố trí kinh phí", "Đã báo cáo UBND tỉnh"]


def build(path: Path, tasks: int, units: int = 200, seed: int = 1) -> None:
    rnd = random.Random(seed)
    now = datetime(2024, 1, 1)
    with Register(path) as reg, reg.engine.begin() as conn:
        unit_rows = []
        for uid in range(1, units + 1):
            parent = None if uid <= 10 else rnd.randint(1, min(uid - 1, 60))
            name = f"{rnd.choice(UNIT_KINDS)} {rnd.choice(UNIT_NAMES)} {uid}"
            unit_rows.append({"id": uid, "parent_id": parent, "name": name, "short_name": "",
                              "sort_order": uid, "active": True, "name_folded": fold(name)})
        conn.execute(insert(Unit), unit_rows)
        docs = max(1, tasks // 40)
        conn.execute(insert(Document), [
            {"id": d, "number": str(d), "doc_type": "TB", "issuer_code": "UBND",
             "issuer": "Ủy ban nhân dân tỉnh", "place": "Quảng Ngãi",
             "issued_on": date(2020, 1, 1) + timedelta(days=d % 2000), "title": f"Kết luận số {d}",
             "chair": "", "signer": "", "signer_title": "", "recipients": [],
             "original_text": "", "source_file": "", "created_at": now}
            for d in range(1, docs + 1)])
        batch, roles, notes = [], [], []
        for tid in range(1, tasks + 1):
            content = (f"{rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(TAILS)}; "
                       f"{rnd.choice(VERBS).lower()} {rnd.choice(OBJECTS)}.")
            ref = f"{tid % 9 + 1}.{tid % 7 + 1}"
            assigned = date(2020, 1, 1) + timedelta(days=rnd.randint(0, 2000))
            kind = rnd.choices(["date", "none", "recurring", "ongoing"], [70, 10, 10, 10])[0]
            deadline = assigned + timedelta(days=rnd.randint(10, 400)) if kind == "date" else None
            status = rnd.choices(["not_started", "in_progress", "done", "cancelled"],
                                 [15, 40, 43, 2])[0]
            completed = (deadline or assigned) + timedelta(days=rnd.randint(-30, 30)) \
                if status == "done" else None
            if completed and completed < assigned:
                completed = assigned
            batch.append({
                "id": tid, "parent_id": None, "document_id": tid % docs + 1, "ref": ref,
                "content": content, "task_group": rnd.choice([None, "data", "government"]),
                "assigned_on": assigned, "deadline_kind": kind, "deadline": deadline,
                "original_deadline": deadline,
                "recurrence": "quarterly" if kind == "recurring" else None,
                "deadline_text": "", "urgent": False, "status": status, "completed_on": completed,
                "cancelled_on": assigned if status == "cancelled" else None,
                "status_reason": "", "result": "", "evidence": "", "sort_order": tid,
                "search_text": fold(f"{ref} {content}"), "created_at": now, "updated_at": now,
                "version": 1})
            roles.append({"task_id": tid, "unit_id": rnd.randint(1, units), "role": "lead",
                          "position": 0})
            roles.append({"task_id": tid, "unit_id": rnd.randint(1, units),
                          "role": "cooperating", "position": 1})
            for k in range(rnd.randint(0, 3)):
                notes.append({"task_id": tid, "noted_on": assigned + timedelta(days=30 * (k + 1)),
                              "text": rnd.choice(NOTES), "status_set": None, "created_at": now})
            if len(batch) >= 5000:
                _flush(conn, batch, roles, notes)
        _flush(conn, batch, roles, notes)


def _flush(conn: object, batch: list, roles: list, notes: list) -> None:  # type: ignore[type-arg]
    for model, rows in ((Task, batch), (TaskUnit, roles), (ProgressNote, notes)):
        if rows:
            conn.execute(insert(model), rows)  # type: ignore[attr-defined]
            rows.clear()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists():
        out.unlink()
    build(out, args.tasks, args.units)
