"""The SQL under the results: raw statements and PostgreSQL's COPY, read into numpy.

`keep_factor_sums` writes step 1 of scoring (FactorSum) when responses are submitted
or imported; `read_integers` and `read_answers` read the rows of a values_list query
as arrays or a DataFrame, on PostgreSQL by COPY … TO STDOUT (binary or CSV) instead
of row by row through the ORM, elsewhere through the ORM. Which rows to read, and what
they mean, is assessments/results.py's: the results selector (load, compute, keep,
forget) uses these and nothing else here knows about results.
"""

import io

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connection

from .models import Answer, Assessment, FactorSum, KeyFactor, Question, Response


def keep_factor_sums(responses):
    """Keep step 1 of scoring (models.FactorSum) for the submitted ones of `responses`.

    Two INSERT … SELECT, whatever the number of responses: per response and factor the
    sums and counts of its non-empty answers, then a row of zeros for each factor of
    its model version it has no answers on. Responses already kept are left as they
    are (a submitted response never changes). Call it after a response's answers are
    all written and it is submitted, in the same transaction: the survey's submit, the
    answers import and the demo data.

    Two plain statements rather than one outer join with the aggregate: inside the
    import's transaction the planner has no statistics on the rows just written, and
    took that join for one row against one row (a nested loop: quadratic). The
    selection is read by each statement, so it must not depend on FactorSum itself
    (select by assessment or by id, never by "not kept yet").
    """
    chosen = responses.filter(status=Response.Status.SUBMITTED).values("pk").order_by()
    try:
        ids, params = chosen.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to keep
        return
    columns = "response_id, factor_id, current_sum, current_count, desired_sum, desired_count"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {FactorSum._meta.db_table} ({columns})
            SELECT a.response_id, q.factor_id,
                   COALESCE(SUM(a.current), 0), COUNT(a.current),
                   COALESCE(SUM(a.desired), 0), COUNT(a.desired)
            FROM {Answer._meta.db_table} a
            JOIN {Question._meta.db_table} q ON q.id = a.question_id
            WHERE a.response_id IN ({ids})
            GROUP BY a.response_id, q.factor_id
            ON CONFLICT (response_id, factor_id) DO NOTHING
            """,
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {FactorSum._meta.db_table} ({columns})
            SELECT r.id, f.id, 0, 0, 0, 0
            FROM {Response._meta.db_table} r
            JOIN {Assessment._meta.db_table} s ON s.id = r.assessment_id
            JOIN {KeyFactor._meta.db_table} f ON f.version_id = s.model_version_id
            WHERE r.id IN ({ids})
            ON CONFLICT (response_id, factor_id) DO NOTHING
            """,
            params,
        )


COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def read_integers(rows):
    """The columns of a values_list query of integers that are never NULL, as int64
    arrays.

    On PostgreSQL by COPY … TO STDOUT (FORMAT binary) with every column cast to int8:
    then every row has the same bytes (a field count, and per field a length and 8
    bytes, big-endian), so numpy reads the rows where they lie instead of parsing text.
    """
    count = len(rows.query.values_select)
    if connection.vendor != "postgresql":
        values = np.array(list(rows), dtype=np.int64).reshape(-1, count)
        return [values[:, index] for index in range(count)]
    sql, params = rows.query.sql_with_params()
    names = [f"c{index}" for index in range(count)]
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(
            f"COPY (SELECT {', '.join(f'{name}::int8' for name in names)} "
            f"FROM ({query}) AS q({', '.join(names)})) TO STDOUT (FORMAT binary)",
            buffer,
        )
    data = buffer.getbuffer()
    # Header: signature (11 bytes), flags (4), header extension length (4) and extension;
    # trailer: a field count of -1. Flag bit 16 (OIDs) or an unknown bit: not readable.
    if len(data) < 21 or bytes(data[:11]) != COPY_SIGNATURE or bytes(data[-2:]) != b"\xff\xff":
        raise ValueError("not a binary COPY")
    if int.from_bytes(data[11:15], "big") & 0xFFFF0000:
        raise ValueError("binary COPY with flags this reader does not know")
    start = 19 + int.from_bytes(data[15:19], "big")
    row = np.dtype(
        [("fields", ">i2")]
        + [field for name in names for field in ((f"{name}_length", ">i4"), (name, ">i8"))]
    )
    body = data[start:-2]  # the trailer is a field count of -1
    if len(body) % row.itemsize:
        raise ValueError("binary COPY rows of unexpected length")
    records = np.frombuffer(body, dtype=row)
    if (records["fields"] != count).any() or any(
        (records[f"{name}_length"] != 8).any() for name in names
    ):
        raise ValueError("binary COPY rows of unexpected shape (a NULL?)")
    return [records[name].astype(np.int64) for name in names]


def read_answers(rows):
    """(respondent, question, current, desired) of a values_list query, as a DataFrame
    with float scores (NaN for "weet ik niet"); on PostgreSQL by COPY … TO STDOUT (CSV)
    into pandas' C parser, about a third of the time rows through the ORM take."""
    dtypes = {"respondent": "int64", "question": "int64", "current": float, "desired": float}
    columns = list(dtypes)
    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(list(rows), columns=columns).astype(dtypes)
    sql, params = rows.query.sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame({column: pd.Series(dtype=t) for column, t in dtypes.items()})
    return pd.read_csv(buffer, header=None, names=columns, dtype=dtypes)
