from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("inventory", "0003_stocklevel")]

    operations = [
        migrations.AddIndex(
            model_name="stocklevel",
            index=models.Index(fields=["warehouse", "product"], name="stock_by_warehouse"),
        ),
    ]
