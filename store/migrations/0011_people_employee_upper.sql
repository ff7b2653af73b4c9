-- A new badge must not be another person's employee number in any case (a
-- scan is read as a badge first, upper-cased): codesApart asks for it by
-- this index rather than reading every person.
CREATE INDEX people_employee_upper ON people(upper(employee_no));
