import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("inventory", "0002_product_sku")]

    operations = [
        migrations.CreateModel(
            name="StockLevel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("warehouse", models.CharField(max_length=40)),
                ("quantity", models.IntegerField(default=0)),
                ("product", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="inventory.product")),
            ],
        ),
    ]
