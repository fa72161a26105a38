package contactgen

import "strings"

// Name lists, most common first: pick skews towards the front, so that a
// few names are very common, as in real address books, and a search for
// "rahul" or "smith" has many matches.

var indianFirst = words(`
Rahul Priya Amit Sunita Rajesh Pooja Vikram Anjali Suresh Neha Arjun Kavita
Sanjay Deepika Anil Ritu Manoj Swati Ravi Meera Karan Shreya Aditya Divya
Rohit Nisha Vijay Asha Ajay Lakshmi Ramesh Geeta Nikhil Anita Sandeep Rekha
Prakash Shweta Ashok Preeti Gaurav Sneha Mahesh Aarti Harish Jyoti Kiran
Vivek Sapna Dinesh Usha Alok Payal Naveen Radha Tarun Sonia Abhishek Manisha
Siddharth Komal Varun Aishwarya Rakesh Bhavna Pankaj Rashmi Yogesh Madhuri
Arvind Shalini Hemant Seema Ishaan Tanvi Aarav Ananya Vihaan Diya Reyansh
Saanvi Krishna Ira Ayaan Myra Kabir Kiara Dhruv Aadhya Vedant Pari Aryan
Riya Shaurya Navya Atharv Anika Rudra Avni Parth Khushi Laksh Mahi Yash
Samaira Om Prisha Harsh Jiya Rohan Tara Akash Zara Imran Farah Salman Ayesha
Irfan Nasreen Faisal Shabnam Gurpreet Harpreet Manpreet Jaspreet Baljeet
Simran Venkatesh Padma Srinivas Bhavani Murali Revathi Karthik Sowmya Ganesh
Lavanya Subramanian Meenakshi Balaji Hema Naresh Pallavi Mohan Chitra Sunil
Kamala Girish Uma Prasad Vani Shankar Jaya Nitin Smita Kunal Rupa Sachin
Archana Tushar Vandana Devendra Mamta Jitendra Sarita Lalit Poonam Mukesh
Renu Sameer Nandini Anand Aparna Ashwin Bindu Chetan Charu Darshan Esha
`)

var indianLast = words(`
Sharma Verma Gupta Singh Kumar Patel Shah Mehta Reddy Rao Nair Iyer Menon
Pillai Joshi Desai Kulkarni Deshpande Jain Agarwal Bansal Goyal Mittal
Chopra Kapoor Malhotra Khanna Bhatia Sethi Arora Chauhan Yadav Mishra
Pandey Tiwari Dubey Shukla Tripathi Srivastava Saxena Chaturvedi Banerjee
Chatterjee Mukherjee Das Bose Ghosh Sen Dutta Roy Chakraborty Naidu
Krishnan Subramaniam Raman Venkataraman Iyengar Hegde Shetty Kamath Pai
Bhat Gowda Patil Pawar Jadhav Shinde More Gaikwad Chavan Thakur Rathore
Rajput Chaudhary Sinha Prasad Jha Thakkar Modi Parikh Trivedi Vyas Bhatt
Dixit Awasthi Bajaj Oberoi Ahuja Grover Sodhi Gill Sandhu Dhillon Sidhu
Khan Ahmed Ansari Qureshi Siddiqui Sheikh Syed Hussain Mirza Fernandes
Lobo Pereira Rodrigues Menezes Gomes Thomas Mathew George Varghese Kurian
Abraham Jacob Cherian Nambiar Warrier Kamat Naik Sawant Rane Mhatre Salvi
`)

// devanagariNames pairs names written in Devanagari with the Latin spelling
// their owners would use in an email address.
var devanagariFirst = [][2]string{
	{"राहुल", "rahul"}, {"प्रिया", "priya"}, {"अमित", "amit"}, {"सुनीता", "sunita"},
	{"विकास", "vikas"}, {"अंजलि", "anjali"}, {"संजय", "sanjay"}, {"नेहा", "neha"},
	{"राजेश", "rajesh"}, {"पूजा", "pooja"}, {"अर्जुन", "arjun"}, {"कविता", "kavita"},
	{"मनोज", "manoj"}, {"गीता", "geeta"}, {"रवि", "ravi"}, {"लक्ष्मी", "lakshmi"},
	{"आदित्य", "aditya"}, {"दिव्या", "divya"}, {"सुरेश", "suresh"}, {"मीरा", "meera"},
}

var devanagariLast = [][2]string{
	{"शर्मा", "sharma"}, {"वर्मा", "verma"}, {"गुप्ता", "gupta"}, {"सिंह", "singh"},
	{"कुमार", "kumar"}, {"पटेल", "patel"}, {"मिश्रा", "mishra"}, {"यादव", "yadav"},
	{"जोशी", "joshi"}, {"पांडे", "pandey"}, {"तिवारी", "tiwari"}, {"श्रीवास्तव", "srivastava"},
}

var usFirst = words(`
James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth
William Barbara Richard Susan Joseph Jessica Thomas Sarah Christopher Karen
Charles Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald
Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol
Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Dorothy
Jason Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Amy Gary
Kathleen Nicholas Angela Eric Shirley Jonathan Brenda Stephen Emma Larry
Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin Katherine Samuel
Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond
Maria Jack Olivia Dennis Heather Jerry Helen Tyler Catherine Aaron Diane
Henry Julie Douglas Victoria Peter Joyce Adam Lauren Nathan Kelly Zachary
Christina Walter Joan Kyle Evelyn Harold Judith Carl Andrea Jeremy Hannah
Keith Megan Roger Cheryl Gerald Jacqueline Ethan Martha Arthur Madison
Terry Teresa Christian Gloria Sean Sara Lawrence Janice Austin Ann Joe
Kathryn Noah Abigail Jesse Sophia Albert Frances Bryan Jean Billy Alice
Bruce Judy Willie Isabella Jordan Julia Dylan Grace Alan Amber Ralph Denise
Gabriel Danielle Roy Marilyn Juan Beverly Wayne Charlotte Eugene Natalie
Logan Theresa Randy Diana Louis Brittany Russell Doris Vincent Kayla Mason
`)

var usLast = words(`
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin
Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson
Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans
Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy
Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard
Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross
Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler
Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes
Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro
Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells
Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks
`)

var ukFirst = words(`
Oliver Amelia George Isla Harry Ava Jack Mia Jacob Ivy Charlie Lily Thomas
Isabella Oscar Rosie William Sophia James Grace Henry Freya Leo Willow
Alfie Florence Joshua Emily Freddie Ella Archie Poppy Ethan Evie Isaac Elsie
Alexander Charlotte Joseph Evelyn Edward Sienna Samuel Sofia Max Daisy
Daniel Phoebe Arthur Sophie Lucas Alice Mohammed Harper Logan Matilda
Theo Ruby Harrison Emilia Benjamin Maya Mason Millie Sebastian Eliza Finley
Imogen Adam Lucy Dylan Layla Zachary Esme Riley Ellie Teddy Holly Elijah
Scarlett Reggie Chloe Toby Hannah Jenson Rebecca Rory Bethany Callum Megan
Declan Siobhan Fergus Ailsa Hamish Morag Gareth Cerys Rhys Ffion Dafydd Niamh
Nigel Gillian Clive Beverley Trevor Deirdre Graham Lesley Ian Maureen Neil
`)

var ukLast = words(`
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris
Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark
Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis
Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson
Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers
Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills
Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart
Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence
Cole Atkinson Bradley Spencer Gill Dawson Ball Burton Hayes Watts Rose
MacDonald MacLeod Fraser Robertson Reid Paterson Ross Henderson Sutherland
`)

// Accented names appear in every country's address book; search must find
// "José" when someone types "jose".
var accentedFirst = words(`
José Zoë Chloé Renée André Noémie Hélène François Inés Ángel Sofía Lucía
Raúl Márcia Björn Maël Anaïs Jürgen Élodie Cédric Loïc Andrés Joël Zoé
`)

var accentedLast = words(`
Müller García Peña Núñez Gómez Lefèvre Díaz Jiménez Brontë Fernández
Hernández Pérez Ramírez Rodríguez Martínez Dubé Gauthier Bélanger Schäfer
`)

// A few surnames carry an apostrophe, as real ones do.
var apostropheLast = []string{"O'Brien", "O'Connor", "D'Souza", "O'Neill", "D'Cruz"}

func words(s string) []string { return strings.Fields(s) }
