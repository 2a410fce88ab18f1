"""scripts/backup.sh and scripts/restore.sh: a backup restored into another database holds
the same rows, history included."""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from institutions.models import Institution
from institutions.services import save_institution
from tests.factories import InstitutionFactory, TownshipFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


def run(script, *args, env):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *map(str, args)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def counts(url, tables):
    conn = psycopg2.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        with conn.cursor() as cursor:
            result = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our own names
                result[table] = cursor.fetchone()[0]
            cursor.execute("SELECT name FROM institutions_institution ORDER BY name")
            result["names"] = [name for (name,) in cursor.fetchall()]
    finally:
        conn.close()
    return result


@pytest.fixture
def scratch_database(postgres):
    name = f"{postgres().rsplit('/', 1)[1]}_restore"
    admin = postgres("postgres").replace("postgres://", "postgresql://", 1)

    def sql(statement):
        conn = psycopg2.connect(admin)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(statement)
        conn.close()

    sql(f'DROP DATABASE IF EXISTS "{name}"')
    sql(f'CREATE DATABASE "{name}"')
    yield postgres(name)
    sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_another_database_has_the_same_rows(
    postgres, scratch_database, tmp_path
):
    township = TownshipFactory(name="开云镇")
    user = UserFactory(unit=township)
    for n in range(5):
        institution = InstitutionFactory.build(township=township, name=f"备份测试养老院{n}")
        save_institution(user=user, institution=institution)
    tables = ["institutions_institution", "institutions_historicalinstitution", "accounts_user"]
    source = postgres()
    before = counts(source, tables)

    dump = run("backup.sh", tmp_path / "backups", env={"DATABASE_URL": source}).stdout.strip()
    run("restore.sh", dump, env={"DATABASE_URL": scratch_database})

    assert Path(dump).stat().st_size > 0
    assert counts(scratch_database, tables) == before
    assert before["institutions_institution"] == Institution.objects.count() == 5


def test_restore_of_a_missing_file_fails_and_says_so(postgres, scratch_database, tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run("restore.sh", tmp_path / "nothing.dump", env={"DATABASE_URL": scratch_database})

    assert "no such backup" in failure.value.stderr
