from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("inventory", "0004_stock_by_warehouse")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="active",
            field=models.BooleanField(default=True),
        ),
    ]
