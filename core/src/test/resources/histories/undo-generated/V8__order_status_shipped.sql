alter type order_status add value 'shipped';
