"""The scale data's customer lists and call-backs: a part of the builder in
benchmarks/scale.py, kept apart for its length."""

from audits.models import CallBack, CustomerList, CustomerRow
from benchmarks.bulk import bulk_insert


class CallBacks:
    """Needs the builder's `ids`, `rng` and `log`."""

    def callbacks(self, audits):
        """A customer list of 40 with 20 drawn and called back, for every
        tenth closed on-site audit (the workspace the benchmark opens has one)."""
        list_id = self.ids.take(CustomerList, len(audits))
        row_id = self.ids.take(CustomerRow, 40 * len(audits))
        lists, rows, calls = [], [], []
        for index, (audit_row, lead) in enumerate(audits):
            lists.append(
                CustomerList(
                    id=list_id + index, audit_id=audit_row.id, file=f"audits/customers/{audit_row.id}.csv",
                    original_name="客户名单.csv", kind="csv", encoding="utf-8", sha256="0" * 64,
                    uploaded_by_id=audit_row.case.created_by_id, uploaded_at=audit_row.created_at, good_rows=40,
                    sample_size=20, sample_seed=self.rng.getrandbits(32), sampled_at=audit_row.created_at,
                    sampled_by_id=lead,
                )
            )
            for number in range(40):
                drawn = number < 20
                rows.append(
                    CustomerRow(
                        id=row_id, customer_list_id=list_id + index, row_number=number + 2, position=number + 1,
                        name=f"客户{number + 1}", contact=f"138{number:08d}", product="空调",
                        service_date=audit_row.created_at.date(), sample_rank=number + 1 if drawn else None,
                    )
                )
                if drawn:
                    reached = number % 5 != 0
                    calls.append(
                        CallBack(
                            row_id=row_id, reached=reached, satisfaction=4 + number % 2 if reached else None,
                            resolved_first_contact=number % 3 != 0 if reached else None,
                            recorded_by_id=lead, recorded_at=audit_row.created_at,
                        )
                    )
                row_id += 1
        bulk_insert(CustomerList, lists)
        bulk_insert(CustomerRow, rows)
        bulk_insert(CallBack, calls)
        self.log(f"customer lists: {len(lists)}, call-backs: {len(calls)}")
