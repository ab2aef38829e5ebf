-- A small "production" support desk at V3: customers, agents, tickets and the messages exchanged on them.
insert into customers (email, full_name, phone, city)
select lower(n.first) || '.' || lower(n.last) || g || '@' || (array['gmail.com', 'outlook.com', 'proton.me'])[1 + g % 3],
       n.first || ' ' || n.last,
       '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'),
       (array['Austin', 'Leeds', 'Lyon', 'Pune', 'Osaka'])[1 + g % 5]
from generate_series(1, 300) g,
     lateral (select (array['Maria', 'James', 'Aiko', 'Lars', 'Fatima', 'Diego'])[1 + g % 6] as first,
                     (array['Garcia', 'Smith', 'Tanaka', 'Nilsson', 'Khan', 'Rossi', 'Okafor'])[1 + g % 7] as last) n;

insert into agents (email, display_name) values
    ('ana.lima@support.example', 'Ana Lima'),
    ('ben.okoro@support.example', 'Ben Okoro'),
    ('chen.wei@support.example', 'Chen Wei');

insert into tickets (customer_id, assignee_id, subject, status)
select 1 + g % 300, case when g % 4 = 0 then null else 1 + g % 3 end,
       (array['Order arrived damaged', 'Refund not received', 'Cannot log in', 'Change delivery address'])[1 + g % 4]
           || ' (order ' || (10000 + g) || ')',
       (array['open', 'pending', 'closed'])[1 + g % 3]
from generate_series(1, 900) g;

insert into ticket_messages (ticket_id, body, from_customer)
select t.id,
       case when m % 2 = 1
            then 'Hi, this is ' || c.full_name || '. You can reach me at ' || c.phone || ' or ' || c.email || '.'
            else 'Thanks for writing in, we are looking into it.' end,
       m % 2 = 1
from tickets t join customers c on c.id = t.customer_id, generate_series(1, 1 + t.id % 5) m;
